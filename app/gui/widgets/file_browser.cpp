#include "widgets/file_browser.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace cbsim::gui {
namespace fs = std::filesystem;

// [SECTION] Listing and paths ---------------------------------------------------------------

FolderListing list_folder(const std::string& dir, const std::string& extension, bool hidden) {
    return list_folder(
        dir, extension.empty() ? std::vector<std::string>{} : std::vector<std::string>{extension},
        hidden);
}

FolderListing list_folder(const std::string& dir, const std::vector<std::string>& extensions,
                          bool hidden) {
    const auto matches = [&extensions](const std::string& name) {
        if (extensions.empty()) return true;
        for (const std::string& e : extensions) {
            if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0)
                return true;
        }
        return false;
    };
    FolderListing out;
    std::error_code ec;
    fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
        out.error = "cannot read " + dir + ": " + ec.message();
        return out;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) {
            out.error = "cannot read all of " + dir + ": " + ec.message();
            break;
        }
        const std::string name = it->path().filename().string();
        if (!hidden && !name.empty() && name[0] == '.') continue;
        std::error_code e2;
        if (it->is_directory(e2)) {
            out.entries.push_back(BrowserEntry{name, true, 0});
        } else if (matches(name)) {
            const std::uintmax_t size = it->is_regular_file(e2) ? it->file_size(e2) : 0;
            out.entries.push_back(BrowserEntry{name, false, e2 ? 0 : size});
        }
    }
    std::sort(out.entries.begin(), out.entries.end(),
              [](const BrowserEntry& a, const BrowserEntry& b) {
                  if (a.folder != b.folder) return a.folder;
                  return a.name < b.name;
              });
    return out;
}

std::string resolve_typed(const std::string& dir, const std::string& typed) {
    if (typed.empty()) return "";
    fs::path p;
    if (typed == "~" || typed.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        p = fs::path(home && *home ? home : "/") / typed.substr(typed.size() > 1 ? 2 : 1);
    } else {
        p = fs::path(typed);
        if (p.is_relative()) p = fs::path(dir) / p;
    }
    std::string s = p.lexically_normal().string();
    // "/a/b/" -> "/a/b" (but keep "/").
    while (s.size() > 1 && s.back() == '/')
        s.pop_back();
    return s;
}

std::string shown_path(const std::string& path, const std::string& home_given) {
    std::string home = home_given;
    while (home.size() > 1 && home.back() == '/')
        home.pop_back();
    if (home.empty() || home == "/" || path.rfind(home, 0) != 0) return path;
    if (path.size() == home.size()) return "~";
    if (path[home.size()] != '/') return path;  // /home/ann2 is not under /home/ann
    std::string out(1, '~');
    out.append(path, home.size());
    return out;
}

std::string shown_path(const std::string& path) {
    const char* home = std::getenv("HOME");
    return shown_path(path, home ? home : "");
}

void add_recent(std::vector<std::string>& recent, const std::string& path, std::size_t max) {
    std::vector<std::string> out;
    out.reserve(std::min(recent.size() + 1, max));
    out.push_back(path);
    for (std::string& r : recent) {
        if (out.size() >= max) break;
        if (r != path) out.push_back(std::move(r));
    }
    recent = std::move(out);
}

// [SECTION] The dialog ----------------------------------------------------------------------

void FileBrowser::open(Mode mode, std::string title, const std::string& start,
                       std::vector<Place> places, std::vector<std::string> recent,
                       std::vector<std::string> extensions) {
    mode_ = mode;
    extensions_ = std::move(extensions);
    all_files_ = false;
    title_ = std::move(title);
    places_ = std::move(places);
    recent_ = std::move(recent);
    error_.clear();
    confirm_replace_.clear();
    field_[0] = '\0';
    std::error_code ec;
    const fs::path p(start);
    if (!start.empty() && fs::is_directory(p, ec)) {
        enter(p.string());
    } else {
        const fs::path parent = p.parent_path();
        enter(!parent.empty() && fs::is_directory(parent, ec) ? parent.string()
                                                              : fs::current_path(ec).string());
        if (mode_ == Mode::save)
            std::snprintf(field_, sizeof field_, "%s", p.filename().string().c_str());
    }
    visible_ = true;
    pending_open_ = true;
    focus_field_ = true;
}

void FileBrowser::close() {
    if (visible_) closing_ = true;
    visible_ = false;
    error_.clear();
    confirm_replace_.clear();
}

void FileBrowser::enter(const std::string& dir) {
    folder_ = resolve_typed("/", dir);
    listing_ = list_folder(folder_, all_files_ ? std::vector<std::string>{} : extensions_, hidden_);
    confirm_replace_.clear();
}

std::optional<std::string> FileBrowser::accept() {
    const std::string path = resolve_typed(folder_, field_);
    if (path.empty()) {
        error_ = mode_ == Mode::open ? "Choose a file, or type its path" : "Type a file name";
        return std::nullopt;
    }
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        enter(path);
        field_[0] = '\0';
        error_.clear();
        return std::nullopt;
    }
    if (mode_ == Mode::open) {
        if (!fs::exists(path, ec)) {
            error_ = "No such file: " + path;
            return std::nullopt;
        }
        return path;
    }
    const fs::path parent = fs::path(path).parent_path();
    if (!fs::is_directory(parent, ec)) {
        error_ = "No such folder: " + parent.string();
        return std::nullopt;
    }
    if (fs::exists(path, ec) && confirm_replace_ != path) {
        confirm_replace_ = path;
        error_ = fs::path(path).filename().string() + " exists: Save again to replace it";
        return std::nullopt;
    }
    return path;
}

std::string FileBrowser::filter_text() const {
    std::string out;
    for (const std::string& e : extensions_)
        out += (out.empty() ? "*" : ", *") + e;
    return out;
}

void FileBrowser::report(WidgetRects* rects, const std::string& name) {
    if (!rects || !rects->enabled) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    rects->rects[name] = ImVec4(a.x, a.y, b.x, b.y);
}

std::optional<std::string> FileBrowser::draw(WidgetRects* rects) {
    const std::string id = title_ + "###file_browser";
    if (closing_) {
        // Closed from outside (the choice worked): the popup is closed from inside it.
        closing_ = false;
        if (ImGui::BeginPopupModal(id.c_str())) {
            ImGui::CloseCurrentPopup();
            ImGui::EndPopup();
        }
    }
    if (!visible_) return std::nullopt;
    if (pending_open_) {
        ImGui::OpenPopup(id.c_str());
        pending_open_ = false;
    }
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextWindowSize(ImVec2(fs * 42.0f, fs * 28.0f), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    bool keep = true;
    if (!ImGui::BeginPopupModal(id.c_str(), &keep)) {
        if (!keep || !ImGui::IsPopupOpen(id.c_str())) visible_ = false;
        return std::nullopt;
    }
    std::optional<std::string> chosen;
    if (rects && rects->enabled) {
        const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
        rects->rects["browser.window"] = ImVec4(wp.x, wp.y, wp.x + ws.x, wp.y + ws.y);
    }
    // The folder shown, and Up.
    if (ImGui::Button("Up")) {
        const fs::path parent = fs::path(folder_).parent_path();
        if (!parent.empty()) enter(parent.string());
    }
    report(rects, "browser.up");
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(shown_path(folder_).c_str());

    // Below the lists: the name row, the hint, the error line and the buttons.
    const float bottom = ImGui::GetFrameHeightWithSpacing() * 2.0f +
                         ImGui::GetTextLineHeightWithSpacing() * 2.0f +
                         ImGui::GetStyle().WindowPadding.y;
    // Places and recent files, as wide as their longest name needs (within 11 to 18 ems).
    float names_w = 0.0f;
    for (const Place& p : places_)
        names_w = std::max(names_w, ImGui::CalcTextSize(p.label.c_str()).x);
    for (const std::string& r : recent_)
        names_w = std::max(names_w, ImGui::CalcTextSize(fs::path(r).filename().c_str()).x);
    const float places_w = std::clamp(
        names_w + ImGui::GetStyle().WindowPadding.x * 2.0f + ImGui::GetStyle().ScrollbarSize,
        fs * 11.0f, fs * 18.0f);
    ImGui::BeginChild("##places", ImVec2(places_w, -bottom), true);
    ImGui::TextDisabled("Places");
    for (const Place& p : places_) {
        if (ImGui::Selectable(p.label.c_str(), p.path == folder_)) enter(p.path);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", p.path.c_str());
        report(rects, "browser.place." + p.label);
    }
    if (!recent_.empty()) {
        ImGui::Spacing();
        ImGui::TextDisabled("Recent");
        for (std::size_t i = 0; i < recent_.size(); ++i) {
            ImGui::PushID(static_cast<int>(i));
            const std::string name = fs::path(recent_[i]).filename().string();
            if (ImGui::Selectable(name.c_str())) {
                const fs::path r(recent_[i]);
                enter(r.parent_path().string());
                std::snprintf(field_, sizeof field_, "%s", name.c_str());
                if (mode_ == Mode::open) chosen = accept();
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", shown_path(recent_[i]).c_str());
            report(rects, "browser.recent." + std::to_string(i));
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
    ImGui::SameLine();

    // The folder's content.
    ImGui::BeginChild("##entries", ImVec2(0, -bottom), true);
    if (!listing_.error.empty()) {
        ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1), "%s", listing_.error.c_str());
    } else if (listing_.entries.empty()) {
        ImGui::TextDisabled("No folder and no %s file here", filter_text().c_str());
    }
    std::optional<std::string> enter_dir;
    for (const BrowserEntry& e : listing_.entries) {
        const std::string label = e.folder ? e.name + "/" : e.name;
        const bool selected = !e.folder && e.name == field_;
        if (ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_AllowDoubleClick)) {
            if (e.folder) {
                enter_dir = (fs::path(folder_) / e.name).string();
            } else {
                std::snprintf(field_, sizeof field_, "%s", e.name.c_str());
                error_.clear();
                if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) chosen = accept();
            }
        }
        if (!e.folder) {
            char size[32];
            std::snprintf(size, sizeof size, "%.1f KB", static_cast<double>(e.size) / 1024.0);
            ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(size).x);
            ImGui::TextDisabled("%s", size);
        }
        report(rects, "browser.entry." + e.name);
    }
    if (enter_dir) enter(*enter_dir);
    ImGui::EndChild();

    // The name field, the filter, the buttons.
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(mode_ == Mode::open ? "File" : "Save as");
    ImGui::SameLine();
    // The field leaves room for the two checkboxes with their whole labels.
    const ImGuiStyle& st = ImGui::GetStyle();
    const float box = ImGui::GetFrameHeight() + st.ItemInnerSpacing.x;
    ImGui::SetNextItemWidth(-(2.0f * (box + st.ItemSpacing.x) + ImGui::CalcTextSize("hidden").x +
                              ImGui::CalcTextSize("all files").x + st.WindowPadding.x * 0.5f));
    if (focus_field_) {
        ImGui::SetKeyboardFocusHere();
        focus_field_ = false;
    }
    if (ImGui::InputText("##name", field_, sizeof field_, ImGuiInputTextFlags_EnterReturnsTrue)) {
        chosen = accept();
        focus_field_ = !chosen.has_value();
    }
    if (ImGui::IsItemEdited()) {
        error_.clear();
        confirm_replace_.clear();
    }
    report(rects, "browser.field");
    ImGui::SameLine();
    if (ImGui::Checkbox("hidden", &hidden_)) enter(folder_);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Show files and folders whose name starts with '.'");
    ImGui::SameLine();
    if (ImGui::Checkbox("all files", &all_files_)) enter(folder_);
    report(rects, "browser.all_files");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("List every file, not only %s", filter_text().c_str());
    ImGui::TextDisabled(
        "Shows folders and %s files; type any path (relative to this folder, or "
        "absolute, or ~/...)",
        all_files_ ? "all" : filter_text().c_str());
    if (!error_.empty()) {
        ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1), "%s", error_.c_str());
    } else {
        ImGui::NewLine();
    }
    if (ImGui::Button(mode_ == Mode::open ? "Open" : "Save", ImVec2(fs * 6.0f, 0)))
        chosen = accept();
    report(rects, "browser.accept");
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(fs * 6.0f, 0)) ||
        (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)) && !ImGui::IsAnyItemActive())) {
        visible_ = false;
        ImGui::CloseCurrentPopup();
    }
    report(rects, "browser.cancel");
    if (!visible_) chosen.reset();
    ImGui::EndPopup();
    return chosen;
}

}  // namespace cbsim::gui
