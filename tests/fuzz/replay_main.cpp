// SPDX-License-Identifier: MIT
// fuzz_replay: runs saved inputs through the fuzz harnesses without libFuzzer, so the seed
// corpora and every crash ever found (tests/fuzz/corpus/<harness>/) are regression tests of the
// normal ctest run, with GCC or clang.
//
//   fuzz_replay HARNESS PATH...   run each file (folders: their files, sorted) through HARNESS
//   fuzz_replay --list            print the harness names
//
// Each input runs in a child process of its own, copied into a buffer of exactly its size (as
// libFuzzer does, so a sanitizer build catches reads past the end). A harness reports a finding
// by crashing or aborting; every failing input is named and the exit status is 1, so one known
// crash does not hide the others.
// As libFuzzer's -timeout and -rss_limit_mb do, a hang or runaway memory is a finding too, not a
// stuck test run: each input gets k_input_seconds (then abort), and the process 4 GiB (address
// space without ASan; ASan's hard RSS limit with it, as ASan reserves terabytes).
#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define TRAILWATCH_REPLAY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TRAILWATCH_REPLAY_ASAN 1
#endif
#endif

#define TRAILWATCH_FUZZ_ENTRY(name) extern "C" int name##_entry(const std::uint8_t*, std::size_t);
#include "fuzz_entries.inc"
#undef TRAILWATCH_FUZZ_ENTRY

#if TRAILWATCH_REPLAY_ASAN
// ASan reads this at start-up; ASAN_OPTIONS still overrides it.
extern "C" const char* __asan_default_options() {
  return "hard_rss_limit_mb=4096";
}
#endif

namespace {

namespace fs = std::filesystem;

constexpr unsigned k_input_seconds = 60;

void on_alarm(int) {
  constexpr char message[] = "fuzz_replay: FINDING: the input above ran too long (a hang)\n";
  (void)!::write(STDERR_FILENO, message, sizeof message - 1);
  std::abort();
}

void limit_resources() {
#if !TRAILWATCH_REPLAY_ASAN
  constexpr rlim_t k_memory_mib = 4096; // as hard_rss_limit_mb in __asan_default_options
  const rlimit memory{k_memory_mib << 20, k_memory_mib << 20};
  ::setrlimit(RLIMIT_AS, &memory);
#endif
  std::signal(SIGALRM, on_alarm);
}

using Entry = int (*)(const std::uint8_t*, std::size_t);

struct Harness {
  std::string_view name;
  Entry entry;
};

#define TRAILWATCH_FUZZ_ENTRY(name) Harness{#name, name##_entry},
const Harness k_harnesses[] = {
#include "fuzz_entries.inc"
};
#undef TRAILWATCH_FUZZ_ENTRY

// Appends the files named by `path` (a file, or a folder's regular files sorted by name; hidden
// files such as .gitkeep are not inputs). Returns false when `path` does not exist.
bool collect(const fs::path& path, std::vector<fs::path>& files) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> found;
    for (const auto& item : fs::directory_iterator(path, ec)) {
      if (item.is_regular_file() && !item.path().filename().string().starts_with(".")) {
        found.push_back(item.path());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
    return !ec;
  }
  if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
    return true;
  }
  return false;
}

// Runs one input in a child process. True when the harness returned normally.
bool run_file(const Harness& harness, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz_replay: %s: cannot open\n", file.c_str());
    return false;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fprintf(stderr, "fuzz_replay: %.*s %s (%zu bytes)\n", static_cast<int>(harness.name.size()),
               harness.name.data(), file.c_str(), bytes.size());
  std::fflush(stderr);
  const pid_t child = ::fork();
  if (child < 0) {
    std::perror("fuzz_replay: fork");
    return false;
  }
  if (child == 0) {
    limit_resources();
    const auto copy = std::make_unique<std::uint8_t[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), copy.get());
    ::alarm(k_input_seconds);
    harness.entry(copy.get(), bytes.size());
    std::exit(0); // runs atexit handlers (harness clean-up, leak checks)
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    return true;
  }
  std::fprintf(stderr, "fuzz_replay: FAILED %s (%s %d)\n", file.c_str(),
               WIFSIGNALED(status) ? "signal" : "exit status",
               WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
  return false;
}

} // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "--list") {
    for (const Harness& harness : k_harnesses) {
      std::printf("%.*s\n", static_cast<int>(harness.name.size()), harness.name.data());
    }
    return 0;
  }
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: fuzz_replay HARNESS PATH...\n       fuzz_replay --list\n");
    return 2;
  }
  const auto harness = std::find_if(std::begin(k_harnesses), std::end(k_harnesses),
                                    [&](const Harness& h) { return h.name == args[0]; });
  if (harness == std::end(k_harnesses)) {
    std::fprintf(stderr, "fuzz_replay: unknown harness %.*s (see --list)\n",
                 static_cast<int>(args[0].size()), args[0].data());
    return 2;
  }
  std::vector<fs::path> files;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (!collect(fs::path(args[i]), files)) {
      std::fprintf(stderr, "fuzz_replay: %s: no such file or folder\n", argv[i + 1]);
      return 1;
    }
  }
  std::vector<std::string> failed;
  for (const fs::path& file : files) {
    if (!run_file(*harness, file)) {
      failed.push_back(file.filename().string());
    }
  }
  std::fprintf(stderr, "fuzz_replay: %.*s: %zu inputs, %zu failed\n",
               static_cast<int>(harness->name.size()), harness->name.data(), files.size(),
               failed.size());
  for (const std::string& name : failed) {
    std::fprintf(stderr, "  %s\n", name.c_str());
  }
  return failed.empty() ? 0 : 1;
}
