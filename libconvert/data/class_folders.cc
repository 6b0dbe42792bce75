#include "libconvert/data/class_folders.h"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "libconvert/base/error.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;

void SortByName(std::vector<fs::path>& paths) {
  std::sort(paths.begin(), paths.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
}

[[noreturn]] void FailRead(const fs::path& dir, const std::error_code& ec) {
  throw Error(dir.string() + ": cannot read the directory (" + ec.message() + ")");
}

std::vector<fs::path> SubfoldersOf(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_directory(type_ec)) dirs.push_back(it->path());
  }
  if (ec) FailRead(dir, ec);
  SortByName(dirs);
  return dirs;
}

}  // namespace

bool HasExtension(const fs::path& path, const std::vector<std::string>& extensions) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

std::vector<fs::path> MatchingFilesIn(const fs::path& dir, const FileMatcher& matches) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (matches(it->path()) && it->is_regular_file(type_ec)) files.push_back(it->path());
  }
  if (ec) FailRead(dir, ec);
  SortByName(files);
  return files;
}

bool FolderHolds(const std::string& dir, const FileMatcher& matches) {
  if (!MatchingFilesIn(dir, matches).empty()) return true;
  for (const fs::path& d : SubfoldersOf(dir)) {
    if (!MatchingFilesIn(d, matches).empty()) return true;
  }
  return false;
}

FolderFiles ListClassFolders(const std::string& dir, const FileMatcher& matches, const std::string& what) {
  FolderFiles list;
  list.files = MatchingFilesIn(dir, matches);
  if (!list.files.empty()) return list;
  const std::vector<fs::path> class_dirs = SubfoldersOf(dir);
  if (class_dirs.empty()) throw Error(dir + ": no " + what + " in the directory, and no class subfolders");
  for (const fs::path& class_dir : class_dirs) {
    const std::vector<fs::path> files = MatchingFilesIn(class_dir, matches);
    if (files.empty()) {
      throw Error(class_dir.string() + ": class folder without a " + what + " (every subfolder of " + dir +
                  " is a class)");
    }
    list.labels.insert(list.labels.end(), files.size(), static_cast<int64_t>(list.classes.size()));
    list.classes.push_back(class_dir.filename().string());
    list.files.insert(list.files.end(), files.begin(), files.end());
  }
  return list;
}

}  // namespace tinyforge
