// SPDX-License-Identifier: Apache-2.0
#include "link/response_file.h"

#include "support/quoting.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <optional>
#include <unistd.h>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace portable_ld {

namespace {

// Nested response files are followed to a bounded depth, and, as libiberty does
// ("too many @-files encountered"), at most k_max_files are read in all: without that
// bound a file naming itself three times would expand exponentially.
constexpr int k_max_depth = 16;
constexpr int k_max_files = 2000;

std::optional<std::vector<std::string>> parse_go_format(std::string_view text) {
  std::vector<std::string> args;
  for (llvm::StringRef rest = text; !rest.empty();) {
    auto [line, tail] = rest.split('\n');
    rest = tail;
    line = line.rtrim('\r');
    if (line.empty()) {
      continue;
    }
    std::optional<std::string> arg = go_unquote(line);
    if (!arg) {
      return std::nullopt;
    }
    args.push_back(std::move(*arg));
  }
  return args;
}

std::vector<std::string> parse_libiberty_format(std::string_view text) {
  std::vector<std::string> args;
  std::string current;
  bool in_arg = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      current += text[++i];
      in_arg = true;
    } else if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        current += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_arg = true;
    } else if (llvm::isSpace(c)) {
      if (in_arg) {
        args.push_back(std::move(current));
        current.clear();
        in_arg = false;
      }
    } else {
      current += c;
      in_arg = true;
    }
  }
  if (in_arg) {
    args.push_back(std::move(current));
  }
  return args;
}

void expand_into(const std::vector<std::string> &args, int depth, int &files_read,
                 ExpandedArgs &out) {
  for (const std::string &arg : args) {
    if (arg.size() < 2 || arg[0] != '@' || depth >= k_max_depth || files_read >= k_max_files) {
      out.args.push_back(arg);
      continue;
    }
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
        llvm::MemoryBuffer::getFile(arg.substr(1), /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
    if (!buffer) {
      out.args.push_back(arg);
      continue;
    }
    out.expanded = true;
    ++files_read;
    expand_into(parse_response_file((*buffer)->getBuffer()), depth + 1, files_read, out);
  }
}

} // namespace

std::vector<std::string> parse_response_file(std::string_view text) {
  if (std::optional<std::vector<std::string>> go_args = parse_go_format(text)) {
    return std::move(*go_args);
  }
  return parse_libiberty_format(text);
}

ExpandedArgs expand_response_files(const std::vector<std::string> &args) {
  ExpandedArgs out;
  out.args.reserve(args.size());
  int files_read = 0;
  expand_into(args, 0, files_read, out);
  return out;
}

namespace {

void remove_stale_response_files(llvm::StringRef directory) {
  std::error_code error;
  const auto now = std::chrono::system_clock::now();
  for (llvm::sys::fs::directory_iterator it(directory, error), end; !error && it != end;
       it.increment(error)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (!name.consume_front("portable-ld-") || !name.endswith(".rsp")) {
      continue;
    }
    unsigned long long pid = 0;
    if (name.split('-').first.getAsInteger(10, pid) || pid == 0 || pid > INT32_MAX) {
      continue; // not a name portable-ld makes
    }
    bool process_gone = ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
    if (!process_gone) {
      continue;
    }
    llvm::ErrorOr<llvm::sys::fs::basic_file_status> status = it->status();
    if (status && status->type() == llvm::sys::fs::file_type::regular_file &&
        now - status->getLastModificationTime() > std::chrono::hours(1)) {
      llvm::sys::fs::remove(it->path());
    }
  }
}

} // namespace

llvm::Expected<std::string> create_response_file(const std::vector<std::string> &args) {
  llvm::SmallString<128> directory;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, directory);
  remove_stale_response_files(directory);
  llvm::SmallString<128> model(directory);
  llvm::sys::path::append(model, "portable-ld-" + std::to_string(::getpid()) + "-%%%%%%.rsp");
  int fd = -1;
  llvm::SmallString<128> path;
  if (std::error_code error = llvm::sys::fs::createUniqueFile(model, fd, path)) {
    return llvm::createStringError(error, "cannot create a temporary response file: %s",
                                   error.message().c_str());
  }
  ::close(fd);
  if (llvm::Error error = write_response_file(std::string(path), args)) {
    llvm::sys::fs::remove(path);
    return error;
  }
  return std::string(path);
}

llvm::Error write_response_file(const std::string &path, const std::vector<std::string> &args) {
  std::error_code error;
  llvm::raw_fd_ostream stream(path, error, llvm::sys::fs::OF_None);
  if (error) {
    return llvm::createFileError(path, error);
  }
  for (const std::string &arg : args) {
    if (arg.empty()) {
      stream << "''";
    }
    for (char c : arg) {
      if (llvm::isSpace(c) || c == '\'' || c == '"' || c == '\\') {
        stream << '\\';
      }
      stream << c;
    }
    stream << '\n';
  }
  stream.close();
  if (stream.has_error()) {
    return llvm::createFileError(path, stream.error());
  }
  return llvm::Error::success();
}

} // namespace portable_ld
