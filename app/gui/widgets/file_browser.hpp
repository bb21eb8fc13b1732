// file_browser.hpp: the app's Open and Save-as dialog.
//
// A modal window over the app: the folder shown (Up goes to its parent, a click on a folder
// enters it), its folders and its files of the filter (`*.toml`, or a list such as `*.csv, *.log,
// *.gz`; "all files" lifts it), places on the left (home, the shipped scenarios, the exports
// folder) and the recent files, and a file name field where a path can still be typed (relative to
// the folder shown, absolute, or
// `~/...`; a typed folder is entered). A click on a file puts its name in the field; a
// double-click, Enter or the Open/Save button chooses it. Save asks once more before replacing
// a file that exists. The listing and path arithmetic are plain functions (tests); the dialog
// draws with ImGui.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "panels/panel.hpp"

namespace cbsim::gui {

struct BrowserEntry {
    std::string name;
    bool folder = false;
    std::uintmax_t size = 0;  ///< bytes, files only
    bool operator==(const BrowserEntry&) const = default;
};

struct FolderListing {
    std::vector<BrowserEntry> entries;  ///< folders first, then files, each by name
    std::string error;                  ///< why the folder could not be read ("" if it could)
};

/// The folders of `dir` and its files whose name ends in `extension` (all files when empty);
/// names starting with '.' only when `hidden`.
FolderListing list_folder(const std::string& dir, const std::string& extension, bool hidden);
/// The same with several extensions: a file whose name ends in any of them (all when empty).
FolderListing list_folder(const std::string& dir, const std::vector<std::string>& extensions,
                          bool hidden);

/// `typed` as an absolute, normalised path: `~` and `~/x` from $HOME, a relative path from
/// `dir`. Empty when `typed` is empty.
std::string resolve_typed(const std::string& dir, const std::string& typed);

/// `path` as shown to the user: under `home` (not "/" nor empty) as `~` or `~/x`, the way
/// resolve_typed() reads it back; anything else as it is.
std::string shown_path(const std::string& path, const std::string& home);
/// shown_path() with $HOME.
std::string shown_path(const std::string& path);

/// Puts `path` first in `recent` (once), keeping at most `max` entries.
void add_recent(std::vector<std::string>& recent, const std::string& path, std::size_t max = 10);

class FileBrowser {
  public:
    enum class Mode { open, save };
    struct Place {
        std::string label;
        std::string path;
    };

    /// Shows the dialog from the next draw. `start` is a folder, or a file whose folder is
    /// shown and whose name fills the field (Save as). `extensions`: the files listed (the
    /// filter; the dialog can also list all files).
    void open(Mode mode, std::string title, const std::string& start, std::vector<Place> places,
              std::vector<std::string> recent, std::vector<std::string> extensions = {".toml"});
    bool is_open() const { return visible_; }
    Mode mode() const { return mode_; }
    /// Closes the dialog (after its choice was used).
    void close();
    /// Shows `error` under the field; the dialog stays open (e.g. the file did not load).
    void set_error(std::string error) { error_ = std::move(error); }

    /// Draws the dialog if it is open; returns the chosen path once, when the user chooses one.
    /// The dialog stays open until close(): the caller closes it when the path worked.
    std::optional<std::string> draw(WidgetRects* report);

    /// The folder shown (tests).
    const std::string& folder() const { return folder_; }
    /// Enters `dir` (tests and the dialog's own navigation).
    void enter(const std::string& dir);

  private:
    /// The path chosen by the field's text, or nothing when it named a folder (entered) or
    /// is not acceptable (error_ says why).
    std::optional<std::string> accept();
    void report(WidgetRects* report, const std::string& name);
    /// "*.csv, *.log, *.gz"
    std::string filter_text() const;

    Mode mode_ = Mode::open;
    std::string title_;
    std::string folder_;
    FolderListing listing_;
    std::vector<Place> places_;
    std::vector<std::string> recent_;
    std::vector<std::string> extensions_{".toml"};
    bool all_files_ = false;  ///< the filter is off
    bool hidden_ = false;
    bool visible_ = false;
    bool pending_open_ = false;  ///< open the popup at the next draw
    bool closing_ = false;       ///< close the popup at the next draw
    bool focus_field_ = false;
    char field_[1024] = {};
    std::string error_;
    std::string confirm_replace_;  ///< Save: the existing file the next accept replaces
};

}  // namespace cbsim::gui
