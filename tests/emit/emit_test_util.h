// Helpers for emit's tests: temporary directories, files, running tools
// (xxd, gcc, g++) and the shared model corpus's manifest.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emit/model_description.h"

namespace tinyforge::emit::test_util {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "tinyforge_emit_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

inline std::string RandomBytes(std::size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  return bytes;
}

inline std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  std::FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline bool HaveTool(const std::string& tool) {
  return RunCommand("command -v " + tool + " >/dev/null").exit_code == 0;
}

#define TINYFORGE_REQUIRE_TOOL(tool)                                               \
  do {                                                                              \
    if (!::tinyforge::emit::test_util::HaveTool(tool)) {                              \
      GTEST_SKIP() << "'" << tool << "' is not installed (Debian package: " << tool \
                   << "); skipping";                                                \
    }                                                                               \
  } while (0)

inline std::string ModelsDir() { return std::string(TINYFORGE_SHARED_DIR) + "/models"; }

inline std::vector<std::string> ModelFiles() {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(ModelsDir(), error)) {
    if (entry.path().extension() == ".tflite") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline nlohmann::json ManifestEntry(const std::string& model_file) {
  std::ifstream in(ModelsDir() + "/MANIFEST.json");
  if (!in) return nullptr;
  const nlohmann::json manifest = nlohmann::json::parse(in);
  for (const auto& model : manifest.at("models")) {
    if (model.at("name") == model_file) return model;
  }
  return nullptr;
}

// The manifest's facts about a model as a ModelDescription: built from the
// corpus's own record, not from our model reader.
inline ModelDescription ManifestDescription(const nlohmann::json& entry) {
  ModelDescription description;
  const auto tensors = [](const nlohmann::json& list) {
    std::vector<IoTensor> result;
    for (const auto& t : list) {
      IoTensor io;
      io.name = t.at("name").get<std::string>();
      io.dtype = t.at("type").get<std::string>();
      io.shape = t.at("shape").get<std::vector<int64_t>>();
      if (t.contains("scale")) io.scale = t.at("scale").get<double>();
      if (t.contains("zero_point")) io.zero_point = t.at("zero_point").get<int64_t>();
      result.push_back(io);
    }
    return result;
  };
  description.inputs = tensors(entry.at("inputs"));
  description.outputs = tensors(entry.at("outputs"));
  description.op_names = entry.at("builtin_ops").get<std::vector<std::string>>();
  return description;
}

#define TINYFORGE_REQUIRE_MODEL(file)                                                 \
  do {                                                                                 \
    if (!std::filesystem::exists(::tinyforge::emit::test_util::ModelsDir() + "/" + file)) { \
      GTEST_SKIP() << "shared model corpus not found at "                              \
                   << ::tinyforge::emit::test_util::ModelsDir();                         \
    }                                                                                  \
  } while (0)

}  // namespace tinyforge::emit::test_util
