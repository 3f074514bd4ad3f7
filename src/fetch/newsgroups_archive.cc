#include "fetch/newsgroups_archive.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fetch/archive_files.h"
#include "fetch/csv_field.h"

namespace rungs::fetch {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTrainFolder = "20news-bydate-train";
constexpr std::string_view kTestFolder = "20news-bydate-test";

struct Message {
  std::string name;
  std::string bytes;
};

// group -> its messages, for one split.
using Split = std::map<std::string, std::vector<Message>>;

struct Splits {
  Split train;
  Split test;
};

// The split and group of an entry at .../<split folder>/<group>/<file>, or
// no split. The split folder may sit below a top folder.
struct EntryPlace {
  Split* split = nullptr;
  std::string group;
  std::string name;
};

EntryPlace PlaceOf(std::string_view path, Splits& splits) {
  std::vector<std::string_view> parts = PathParts(path);
  if (parts.size() < 3) return {};
  std::string_view folder = parts[parts.size() - 3];
  Split* split = folder == kTrainFolder ? &splits.train
                 : folder == kTestFolder ? &splits.test
                                         : nullptr;
  if (split == nullptr) return {};
  return {split, std::string(parts[parts.size() - 2]), std::string(parts.back())};
}

Result<Splits> ReadSplits(const fs::path& path) {
  Splits splits;
  Status status = ForEachArchiveFile(
      path, [&](std::string_view entry) { return PlaceOf(entry, splits).split != nullptr; },
      [&](std::string_view entry, std::string bytes) {
        EntryPlace place = PlaceOf(entry, splits);
        (*place.split)[place.group].push_back({std::move(place.name), std::move(bytes)});
        return Status::Ok();
      });
  if (!status.ok()) return status.error();
  return splits;
}

// Numeric names by value (as the collection numbers its articles), then
// any others by name.
bool ComesBefore(const Message& a, const Message& b) {
  auto number = [](const std::string& name) {
    uint64_t value = std::numeric_limits<uint64_t>::max();
    auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), value);
    bool whole = error == std::errc() && end == name.data() + name.size();
    return whole ? value : std::numeric_limits<uint64_t>::max();
  };
  uint64_t number_a = number(a.name), number_b = number(b.name);
  if (number_a != number_b) return number_a < number_b;
  return a.name < b.name;
}

Result<int64_t> WriteSplit(Split& split, const fs::path& csv_path) {
  std::ofstream out(csv_path, std::ios::binary | std::ios::trunc);
  out << "\"label\",\"text\"\n";
  int64_t rows = 0;
  for (auto& [group, messages] : split) {
    std::sort(messages.begin(), messages.end(), ComesBefore);
    std::string label = QuoteCsvField(group);
    for (const Message& message : messages) {
      out << label << ',' << QuoteCsvField(message.bytes) << '\n';
      ++rows;
    }
  }
  out.close();
  if (!out) return Fail("cannot write '" + csv_path.string() + "'");
  return rows;
}

}  // namespace

Result<NewsgroupsRows> ConvertNewsgroupsArchive(const fs::path& archive_path,
                                                const fs::path& out_dir) {
  Result<Splits> splits = ReadSplits(archive_path);
  if (!splits.ok()) return splits.error();
  for (auto [split, folder] : {std::pair{&splits->train, kTrainFolder},
                               std::pair{&splits->test, kTestFolder}}) {
    if (split->empty()) {
      return Fail("archive '" + archive_path.string() + "' has no messages under " +
                  std::string(folder) + "/<group>/<file>: not the 20 Newsgroups bydate tarball");
    }
  }
  Result<int64_t> train = WriteSplit(splits->train, out_dir / "train.csv");
  if (!train.ok()) return train.error();
  Result<int64_t> test = WriteSplit(splits->test, out_dir / "test.csv");
  if (!test.ok()) return test.error();
  return NewsgroupsRows{*train, *test};
}

}  // namespace rungs::fetch
