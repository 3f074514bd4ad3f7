#include "trial/argv_template.h"

#include <algorithm>
#include <array>
#include <utility>

namespace rungs::trial {
namespace {

// The job fields a placeholder may name, besides the parameters.
constexpr std::array<std::string_view, 10> kJobFields = {
    "config", "epochs_from", "epochs_to", "lr_scale", "trial",
    "rung",   "bracket",     "job",       "workdir",  "seed"};

constexpr std::string_view kConfigPrefix = "config.";

// Shortest text that parses back to the same number.
std::string Number(const nlohmann::json& value) { return value.dump(); }

std::string Quoted(const std::string& arg, size_t index) {
  return "argument " + std::to_string(index + 1) + " ('" + arg + "')";
}

std::string KnownNames(const space::Space& space) {
  std::string known;
  for (std::string_view field : kJobFields) known += "{" + std::string(field) + "}, ";
  known += "and a parameter as {<name>} or {config.<name>}";
  if (space.size() > 0) {
    known += " (parameters:";
    for (size_t i = 0; i < space.size(); ++i) known += (i ? ", " : " ") + space.name(i);
    known += ")";
  }
  return known;
}

}  // namespace

Result<ArgvTemplate> ArgvTemplate::Compile(const std::vector<std::string>& argv,
                                           const space::Space& space) {
  if (argv.empty()) return Fail("command: no program given");
  if (argv[0].empty()) return Fail("command: the program name is empty");
  ArgvTemplate t;
  for (size_t i = 0; i < argv.size(); ++i) {
    Result<Arg> arg = CompileArg(argv[i], i, space);
    if (!arg.ok()) return arg.error();
    t.args_.push_back(std::move(*arg));
  }
  return t;
}

Result<ArgvTemplate::Arg> ArgvTemplate::CompileArg(const std::string& arg, size_t index,
                                                   const space::Space& space) {
  Arg pieces;
  std::string literal;
  for (size_t i = 0; i < arg.size(); ++i) {
    char c = arg[i];
    bool doubled = i + 1 < arg.size() && arg[i + 1] == c;
    if ((c == '{' || c == '}') && doubled) {
      literal += c;
      ++i;
    } else if (c == '}') {
      return Fail("command: " + Quoted(arg, index) + ": '}' at column " + std::to_string(i + 1) +
                  " closes nothing (write }} for a literal brace)");
    } else if (c == '{') {
      size_t close = arg.find_first_of("{}", i + 1);
      if (close == std::string::npos || arg[close] == '{') {
        return Fail("command: " + Quoted(arg, index) + ": '{' at column " + std::to_string(i + 1) +
                    " is never closed (write {{ for a literal brace)");
      }
      Result<Piece> piece = Resolve(arg.substr(i + 1, close - i - 1), space);
      if (!piece.ok()) return Fail("command: " + Quoted(arg, index) + ": " + piece.message());
      if (!literal.empty()) pieces.push_back({Field::kLiteral, std::move(literal)});
      literal.clear();
      pieces.push_back(std::move(*piece));
      i = close;
    } else {
      literal += c;
    }
  }
  if (!literal.empty() || pieces.empty()) pieces.push_back({Field::kLiteral, std::move(literal)});
  return pieces;
}

Result<ArgvTemplate::Piece> ArgvTemplate::Resolve(const std::string& name,
                                                  const space::Space& space) {
  if (name.starts_with(kConfigPrefix)) {
    std::string param = name.substr(kConfigPrefix.size());
    if (space.IndexOf(param)) return Piece{Field::kParam, param};
    return Fail("unknown parameter '" + param + "' in placeholder {" + name + "}; known: " +
                KnownNames(space));
  }
  auto field = std::find(kJobFields.begin(), kJobFields.end(), name);
  bool is_param = space.IndexOf(name).has_value();
  if (field != kJobFields.end() && is_param) {
    return Fail("placeholder {" + name + "} is ambiguous: it is both a job field and a parameter;" +
                " write {config." + name + "} for the parameter");
  }
  if (is_param) return Piece{Field::kParam, name};
  if (field == kJobFields.end()) {
    return Fail("unknown placeholder {" + name + "}; known: " + KnownNames(space));
  }
  // kJobFields lists the fields in the order of Field from kConfig on.
  auto offset = static_cast<int>(field - kJobFields.begin());
  return Piece{static_cast<Field>(static_cast<int>(Field::kConfig) + offset), ""};
}

std::vector<std::string> ArgvTemplate::Expand(const job::Job& job,
                                              const JobBindings& bindings) const {
  std::vector<std::string> argv;
  argv.reserve(args_.size());
  for (const Arg& arg : args_) {
    std::string text;
    for (const Piece& piece : arg) text += Value(piece, job, bindings);
    argv.push_back(std::move(text));
  }
  return argv;
}

std::string ArgvTemplate::Value(const Piece& piece, const job::Job& job,
                                const JobBindings& bindings) {
  switch (piece.field) {
    case Field::kLiteral: return piece.text;
    case Field::kParam: {
      auto it = bindings.config.find(piece.text);
      if (it == bindings.config.end()) return "";  // inactive in this configuration
      return it->is_string() ? it->get<std::string>() : Number(*it);
    }
    case Field::kConfig: return bindings.config.dump();
    case Field::kEpochsFrom: return std::to_string(job.epochs_from);
    case Field::kEpochsTo: return std::to_string(job.epochs_to);
    case Field::kLrScale: return Number(job.lr_scale);
    case Field::kTrial: return std::to_string(job.trial);
    case Field::kRung: return std::to_string(job.rung);
    case Field::kBracket: return std::to_string(job.bracket);
    case Field::kJob: return std::to_string(job.id);
    case Field::kWorkdir: return bindings.workdir;
    case Field::kSeed: return std::to_string(bindings.seed);
  }
  return "";
}

}  // namespace rungs::trial
