// SPDX-License-Identifier: MIT
// FolderWatch: what changed in watched folders (inotify), for --follow.
//
// A log file counts once it has its final name and its writer is done: closed after writing
// (IN_CLOSE_WRITE) or renamed into place (IN_MOVED_TO, what `aws s3 sync` does after writing a
// temporary name). Temporary and hidden names are never reported. A new folder is watched at
// once and reported, so the caller lists what landed in it before the watch existed. When the
// kernel's event queue overflowed, or inotify is not available (some network file systems),
// nothing is reported and the caller's periodic rescan finds the files.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch {

// True for names that are not (yet) a log file: hidden (".name"), editor and download
// leftovers ("~", ".tmp", ".part", ".partial", ".swp", ".crdownload"), and the temporary names
// of `aws s3 sync`/`cp` ("<name>.<8 hex digits>", renamed to <name> once complete).
bool is_temporary_name(std::string_view name);

class FolderWatch {
public:
  // What take() found.
  struct Changes {
    std::vector<std::string> files;   // complete files under their final names
    std::vector<std::string> folders; // new folders (now watched; list them once)
    bool modified = false;            // some watched file was written to (followed files)
    bool rescan = false;              // events were lost: list everything again
  };

  FolderWatch();
  ~FolderWatch();
  FolderWatch(const FolderWatch&) = delete;
  FolderWatch& operator=(const FolderWatch&) = delete;

  // False when inotify could not be set up (then only rescans find files).
  bool available() const { return m_fd >= 0; }
  // Readable (poll) while events wait; -1 when not available.
  int fd() const { return m_fd; }
  // Watches `root` and every folder below it (hidden ones excepted).
  void add_tree(const std::string& root);
  // Watches `folder` alone (the folder of a followed file).
  void add_folder(const std::string& folder);
  // Reads every waiting event; never blocks.
  Changes take();

private:
  bool watch(const std::string& folder, bool recursive);

  int m_fd = -1;
  std::map<int, std::pair<std::string, bool>> m_folders; // watch descriptor → folder, recursive
};

} // namespace trailwatch
