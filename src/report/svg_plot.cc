#include "report/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rungs::report {
namespace {

constexpr int kLeft = 64, kRight = 16, kTop = 30, kBottom = 46;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string TickLabel(double v) {
  char buf[32];
  double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e6)) {
    std::snprintf(buf, sizeof buf, "%.0e", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}

double Scaled(double v, bool log) { return log ? std::log10(std::max(v, 1e-300)) : v; }

}  // namespace

std::string EscapeXml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<double> NiceTicks(double min, double max, int count, bool log) {
  std::vector<double> ticks;
  if (!(max > min)) return {min};
  if (log) {
    for (double e = std::floor(std::log10(min)); e <= std::ceil(std::log10(max)); ++e) {
      double v = std::pow(10.0, e);
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push_back(v);
    }
    if (ticks.size() >= 2) return ticks;
    return NiceTicks(min, max, count, false);  // less than a decade: linear ticks read better
  }
  double raw = (max - min) / std::max(count, 1);
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * power;
    if (step >= raw * (1 - 1e-9)) break;
  }
  // Multiples of the step, computed from integers so that they stay round.
  for (double k = std::ceil(min / step - 1e-9); k * step <= max + step * 1e-9; ++k) {
    ticks.push_back(k == 0 ? 0.0 : k * step);
  }
  return ticks;
}

SvgPlot::SvgPlot(int width, int height, Axis x, Axis y)
    : width_(width), height_(height), x_(std::move(x)), y_(std::move(y)) {
  for (Axis* a : {&x_, &y_}) {
    if (!a->categories.empty()) {
      a->min = -0.5;
      a->max = static_cast<double>(a->categories.size()) - 0.5;
      a->log = false;
    }
    if (a->log && a->min <= 0) a->log = false;
    if (!(a->max > a->min)) {  // a single value: widen so it sits mid-axis
      double pad = a->log ? a->min * 0.5 : std::max(std::fabs(a->min) * 0.1, 0.5);
      a->max = a->min + pad;
      a->min -= a->log ? a->min * 0.25 : pad;
    }
  }
}

double SvgPlot::PixelX(double x) const {
  double lo = Scaled(x_.min, x_.log), hi = Scaled(x_.max, x_.log);
  return kLeft + (Scaled(x, x_.log) - lo) / (hi - lo) * (width_ - kLeft - kRight);
}

double SvgPlot::PixelY(double y) const {
  double lo = Scaled(y_.min, y_.log), hi = Scaled(y_.max, y_.log);
  return height_ - kBottom - (Scaled(y, y_.log) - lo) / (hi - lo) * (height_ - kTop - kBottom);
}

void SvgPlot::AddPoints(std::span<const Point> points, const std::string& color, double radius,
                        const std::string& css_class) {
  body_ += "<g class=\"" + css_class + "\" fill=\"" + color + "\" fill-opacity=\"0.6\">";
  for (const Point& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    body_ += "<circle cx=\"" + Num(PixelX(p.x)) + "\" cy=\"" + Num(PixelY(p.y)) + "\" r=\"" +
             Num(radius) + "\"/>";
  }
  body_ += "</g>\n";
}

void SvgPlot::AddLine(std::span<const Point> points, const std::string& color, bool step,
                      const std::string& css_class) {
  if (points.empty()) return;
  std::string d;
  for (size_t i = 0; i < points.size(); ++i) {
    std::string x = Num(PixelX(points[i].x)), y = Num(PixelY(points[i].y));
    if (i == 0) {
      d += "M" + x + " " + y;
    } else {
      if (step) d += " L" + x + " " + Num(PixelY(points[i - 1].y));
      d += " L" + x + " " + y;
    }
  }
  body_ += "<path class=\"" + css_class + "\" d=\"" + d + "\" fill=\"none\" stroke=\"" + color +
           "\" stroke-width=\"2\"/>\n";
}

void SvgPlot::AddBand(std::span<const Point> low, std::span<const Point> high,
                      const std::string& color, const std::string& css_class) {
  if (low.empty() || low.size() != high.size()) return;
  std::string d;
  for (size_t i = 0; i < high.size(); ++i) {  // along the top, as a staircase
    std::string x = Num(PixelX(high[i].x));
    if (i > 0) d += " L" + x + " " + Num(PixelY(high[i - 1].y));
    d += (i == 0 ? "M" : " L") + x + " " + Num(PixelY(high[i].y));
  }
  for (size_t i = low.size(); i-- > 0;) {  // and back along the bottom
    d += " L" + Num(PixelX(i + 1 < low.size() ? low[i + 1].x : low[i].x)) + " " +
         Num(PixelY(low[i].y));
    d += " L" + Num(PixelX(low[i].x)) + " " + Num(PixelY(low[i].y));
  }
  body_ += "<path class=\"" + css_class + "\" d=\"" + d + " Z\" fill=\"" + color +
           "\" fill-opacity=\"0.18\" stroke=\"none\"/>\n";
}

void SvgPlot::AddBar(double x, double width, double height, const std::string& color,
                     const std::string& label) {
  double left = PixelX(x - width / 2), right = PixelX(x + width / 2);
  double top = PixelY(height), base = PixelY(y_.min);
  body_ += "<rect class=\"bar\" x=\"" + Num(left) + "\" y=\"" + Num(top) + "\" width=\"" +
           Num(right - left) + "\" height=\"" + Num(std::max(base - top, 0.0)) + "\" fill=\"" +
           color + "\"/>";
  body_ += "<text x=\"" + Num((left + right) / 2) + "\" y=\"" + Num(top - 4) +
           "\" text-anchor=\"middle\" font-size=\"11\">" + EscapeXml(label) + "</text>\n";
}

void SvgPlot::AddLegend(const std::vector<std::pair<std::string, std::string>>& entries) {
  double x = kLeft + 8;
  for (const auto& [color, text] : entries) {
    legend_ += "<rect x=\"" + Num(x) + "\" y=\"" + Num(kTop - 14) + "\" width=\"10\" height=\"10\" fill=\"" +
               color + "\"/><text x=\"" + Num(x + 14) + "\" y=\"" + Num(kTop - 5) +
               "\" font-size=\"11\">" + EscapeXml(text) + "</text>";
    x += 24 + 6.5 * static_cast<double>(text.size());
  }
}

std::string SvgPlot::AxesSvg() const {
  std::string s;
  double x0 = kLeft, x1 = width_ - kRight, y0 = height_ - kBottom, y1 = kTop;
  s += "<g class=\"axes\" stroke=\"#888\" stroke-width=\"1\">";
  s += "<line x1=\"" + Num(x0) + "\" y1=\"" + Num(y0) + "\" x2=\"" + Num(x1) + "\" y2=\"" + Num(y0) + "\"/>";
  s += "<line x1=\"" + Num(x0) + "\" y1=\"" + Num(y0) + "\" x2=\"" + Num(x0) + "\" y2=\"" + Num(y1) + "\"/>";
  s += "</g><g font-size=\"11\" fill=\"#333\">";
  auto x_ticks = x_.categories.empty() ? NiceTicks(x_.min, x_.max, 6, x_.log) : std::vector<double>{};
  for (size_t i = 0; i < x_.categories.size(); ++i) x_ticks.push_back(static_cast<double>(i));
  for (double t : x_ticks) {
    std::string label = x_.categories.empty() ? TickLabel(t) : x_.categories[static_cast<size_t>(t)];
    s += "<text x=\"" + Num(PixelX(t)) + "\" y=\"" + Num(y0 + 15) + "\" text-anchor=\"middle\">" +
         EscapeXml(label) + "</text>";
  }
  for (double t : NiceTicks(y_.min, y_.max, 5, y_.log)) {
    s += "<line x1=\"" + Num(x0) + "\" y1=\"" + Num(PixelY(t)) + "\" x2=\"" + Num(x1) + "\" y2=\"" +
         Num(PixelY(t)) + "\" stroke=\"#eee\"/>";
    s += "<text x=\"" + Num(x0 - 6) + "\" y=\"" + Num(PixelY(t) + 4) + "\" text-anchor=\"end\">" +
         TickLabel(t) + "</text>";
  }
  s += "<text x=\"" + Num((x0 + x1) / 2) + "\" y=\"" + Num(height_ - 8.0) +
       "\" text-anchor=\"middle\">" + EscapeXml(x_.label) + "</text>";
  s += "<text transform=\"translate(14," + Num((y0 + y1) / 2) +
       ") rotate(-90)\" text-anchor=\"middle\">" + EscapeXml(y_.label) + "</text></g>\n";
  return s;
}

std::string SvgPlot::Render(const std::string& title) const {
  return "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         std::to_string(width_) + "\" height=\"" + std::to_string(height_) + "\" viewBox=\"0 0 " +
         std::to_string(width_) + " " + std::to_string(height_) + "\" role=\"img\"><title>" +
         EscapeXml(title) + "</title>\n" + AxesSvg() + body_ + legend_ + "</svg>\n";
}

}  // namespace rungs::report
