// SvgPlot: a small SVG chart canvas with linear or log axes and nice ticks.
//
// The report draws every chart with it, so the page needs no script and no
// network to show them. Coordinates are in data units; the plot maps them to
// pixels inside its margins. Not thread-safe (a value built and rendered once).
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

namespace rungs::report {

struct Axis {
  std::string label;
  double min = 0;
  double max = 1;
  bool log = false;
  // For categorical axes: tick labels at 0, 1, 2, ... (min/max ignored).
  std::vector<std::string> categories;
};

struct Point {
  double x = 0;
  double y = 0;
};

class SvgPlot {
 public:
  SvgPlot(int width, int height, Axis x, Axis y);

  void AddPoints(std::span<const Point> points, const std::string& color, double radius,
                 const std::string& css_class);
  // A line through the points in order; `step` draws it as a staircase
  // (value holds until the next point), as best-so-far curves are.
  void AddLine(std::span<const Point> points, const std::string& color, bool step,
               const std::string& css_class);
  // A shaded area between two staircases sampled at the same x values.
  void AddBand(std::span<const Point> low, std::span<const Point> high, const std::string& color,
               const std::string& css_class);
  void AddBar(double x, double width, double height, const std::string& color,
              const std::string& label);
  void AddLegend(const std::vector<std::pair<std::string, std::string>>& entries);  // color, text

  std::string Render(const std::string& title) const;

 private:
  double PixelX(double x) const;
  double PixelY(double y) const;
  std::string AxesSvg() const;

  int width_;
  int height_;
  Axis x_;
  Axis y_;
  std::string body_;
  std::string legend_;
};

// Ticks for [min, max]: about `count` round values (1, 2, 5 times a power of
// ten), or powers of ten for log axes.
std::vector<double> NiceTicks(double min, double max, int count, bool log);

// Escapes &, <, >, " for HTML and SVG text.
std::string EscapeXml(const std::string& text);

}  // namespace rungs::report
