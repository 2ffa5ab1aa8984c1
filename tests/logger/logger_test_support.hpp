#pragma once
// Shared by the logger suites: reading a log file back and parsing its lines, and the writer modes
// every suite checks a behaviour in.

#include "data_table.hpp"

#include <QTemporaryDir>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace telemetry::test {

inline std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The complete lines of a file (without '\n'); a trailing partial line is returned in `tail`.
inline std::vector<std::string> read_lines(
    const std::filesystem::path& path, std::string* tail = nullptr)
{
    const std::string text = read_file(path);
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') {
            lines.emplace_back(text, start, i - start);
            start = i + 1;
        }
    }
    if (tail != nullptr) {
        *tail = text.substr(start);
    }
    return lines;
}

// Parses a line as strict JSON (nlohmann refuses NaN tokens); null json when it is not.
inline nlohmann::json parse_strict(const std::string& line)
{
    return nlohmann::json::parse(line, nullptr, false);
}

// A fresh temporary folder for each test function, as a base of the test class: its init() calls
// renewFolder(), and file(name) is a path in the current folder.
class TempFolder
{
public:
    bool renewFolder()
    {
        dir_ = std::make_unique<QTemporaryDir>();
        return dir_->isValid();
    }
    std::filesystem::path file(const std::string& name = "run.jsonl") const
    {
        return std::filesystem::path(dir_->path().toStdString()) / name;
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
};

// A data-driven test in both writer modes: a bool column "async", rows "sync" and "async".
inline void addSyncAndAsyncRows()
{
    ::testing::addTable<bool>({ "async" },
        {
            { "sync", false },
            { "async", true },
        });
}

} // namespace telemetry::test
