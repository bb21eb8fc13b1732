// sim/output_folder.hpp: the checks of a folder cbsim writes as a whole (internal): a run folder
// (export.cpp), a compare folder (compare_folder.cpp) and a replay folder (replay_set.cpp)
// differ only in what they may hold. The compare and replay folders are written by
// StagedFolderWriter (cbsim/staged_folder.hpp).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace cbsim::sim {

/// What kind of folder is checked: the words of the messages and the test of its content.
struct FolderKind {
    const char* verb;    ///< "export": "...; export into a folder inside it"
    const char* noun;    ///< "export": "... one that holds only an earlier export"
    const char* a_noun;  ///< "an export": "(the staging folder of an export)"
    /// Why the existing directory (or, `staging`, its staging sibling) is not one cbsim may
    /// replace; empty if it may.
    std::string (*problem)(const std::filesystem::path& dir, bool staging);
};

/// `dir` without trailing separators, made absolute when it names the current directory or
/// its parent (so the folder has a name that can be renamed).
std::filesystem::path normalise_folder(const std::string& dir);
/// The parent of a normalised folder ("." for a bare name).
std::filesystem::path parent_of(const std::filesystem::path& target);
/// "DIR.staging", the sibling the folder is written into.
std::filesystem::path staging_of(const std::filesystem::path& target);

/// Why `target` (`dir` as given, normalised) cannot receive a folder of `kind` (empty if it
/// can): it is a file, it or its parent is not writable, the parent does not exist or is not a
/// directory, it is a mount point or the current directory, kind.problem() refuses it or its
/// staging sibling, or the staging folder cannot be created (proven by creating and removing
/// it). The message starts with `dir`. The caller holds the parent's DirectoryLock.
std::string check_output_folder(const std::string& dir, const std::filesystem::path& target,
                                const FolderKind& kind);

/// The rule shared by folders with a marker file: a staging folder (`staging`) that carries
/// `marker` is accepted whole (a killed writer may have left anything of its own in it);
/// otherwise every entry must be part of the folder (`entry_problem` returns empty for it,
/// else the reason) and the marker must be present, unless the folder is empty. `a_folder`
/// names the kind in the message ("a replay folder").
std::string marked_folder_problem(
    const std::filesystem::path& dir, bool staging, const char* marker, const char* a_folder,
    const std::function<std::string(const std::filesystem::directory_entry& entry,
                                    const std::string& name)>& entry_problem);

}  // namespace cbsim::sim
