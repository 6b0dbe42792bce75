// The folder layout every folder source shares (images, WAV clips, CSV
// files): a directory's own matching files, unlabelled; or, when it holds
// none, one subfolder per class (DIR/<class>/<files>), the sorted subfolder
// names being the classes, label k for the k-th, files class by class. Files
// run in byte order of their names.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace tinyforge {

struct FolderFiles {
  std::vector<std::filesystem::path> files;
  std::vector<int64_t> labels;       // with class folders, one per file; else empty
  std::vector<std::string> classes;  // the class folders' names, sorted
};

using FileMatcher = std::function<bool(const std::filesystem::path&)>;

// True when the extension of `path`, lower-cased, is one of `extensions`
// (".wav", ...).
bool HasExtension(const std::filesystem::path& path, const std::vector<std::string>& extensions);

// The regular files directly in `dir` that `matches`, sorted by name.
std::vector<std::filesystem::path> MatchingFilesIn(const std::filesystem::path& dir, const FileMatcher& matches);

// True when `dir` or one of its direct subfolders holds a matching file.
bool FolderHolds(const std::string& dir, const FileMatcher& matches);

// The files of `dir` as above. Throws Error (kBadInput) naming the folder:
// an unreadable directory, no matching file and no class folders, or a
// class folder without one. `what` names the files (".wav file").
FolderFiles ListClassFolders(const std::string& dir, const FileMatcher& matches, const std::string& what);

}  // namespace tinyforge
