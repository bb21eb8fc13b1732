// app.cpp
//
// [SECTION] Construction, initial scenario, the frame loop
// [SECTION] Commands from menus and shortcuts (export, PNG, save)
// [SECTION] Layout and frame
// [SECTION] Menus, status bar, dialogs, overlays
// [SECTION] Test report
#include "app.hpp"

#include <GLFW/glfw3.h>  // key codes only: ImGui 1.86 indexes KeysDown by GLFW key
#include <imgui.h>
#include <cbsim/breaker_config.hpp>
#include <cbsim/export.hpp>
#include <cbsim/scenario_io.hpp>
#include <cbsim/version.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "help_text.hpp"
#include "panels/replay_panel.hpp"
#include "panels/topology_panel.hpp"
#include "theme.hpp"

namespace cbsim::gui {
namespace fs = std::filesystem;

// [SECTION] Construction, initial scenario, the frame loop --------------------------------

App::App(AppOptions options, const std::atomic<bool>& stop_signal)
    : options_(std::move(options)), stop_signal_(stop_signal) {
    const std::string dir = config_dir();
    if (!dir.empty()) {
        settings_path_ = (fs::path(dir) / "ui.ini").string();
        settings_ = load_ui_settings(settings_path_);
    }
    if (!options_.size_given) {
        options_.width = settings_.width;
        options_.height = settings_.height;
    }
    view_.time.live_span = settings_.plot_span_s;
    report_.enabled = options_.test_report;

    const PanelContext context{view_, events_, (fs::path(asset_dir()) / "scenarios").string(),
                               (fs::path(asset_dir()) / "presets").string()};
    for (const PanelSpec& spec : panel_specs()) {
        std::unique_ptr<Panel> p = spec.make(context);
        p->open() = spec.open_at_start;
        if (auto it = settings_.panels.find(p->id()); it != settings_.panels.end()) {
            p->open() = it->second;
        }
        p->set_report(&report_);
        panels_.push_back(std::move(p));
    }
    run_panel_ = static_cast<RunPanel*>(&panel(PanelId::run));
    plots_panel_ = static_cast<PlotsPanel*>(&panel(PanelId::plots));
    show_help_ = settings_.show_help && !options_.test_report;
}

App::~App() {
    worker_.reset();  // stop the simulation thread before the window goes
}

ScenarioOrCompare App::initial_scenario(std::string& source) {
    std::string path = options_.scenario_path;
    if (path.empty()) {
        const fs::path preset = fs::path(asset_dir()) / "scenarios" / "default.toml";
        std::error_code ec;
        if (fs::exists(preset, ec)) path = preset.string();
    }
    if (!path.empty()) {
        try {
            ScenarioOrCompare f = load_scenario_or_compare(path);
            source = path;
            return f;
        } catch (const std::exception& e) {
            set_status(
                std::string("could not open the scenario, using the built-in one: ") + e.what(),
                true);
            std::fprintf(stderr, "cbsim: %s\n", e.what());
        }
    }
    source.clear();
    return ScenarioOrCompare{default_scenario(), {}, 1};
}

std::string App::export_base() const {
    if (!options_.export_dir.empty()) return options_.export_dir;
    const char* home = std::getenv("HOME");
    return (fs::path(home && *home ? home : ".") / "cbsim-runs").string();
}

int App::run() {
    WindowOptions wo;
    wo.width = options_.width;
    wo.height = options_.height;
    wo.pos_x = options_.pos_x;
    wo.pos_y = options_.pos_y;
    wo.fps_cap = options_.fps_cap;
    wo.title = "cbsim";
    std::string error;
    if (!window_.open(wo, error)) {
        std::fprintf(stderr, "cbsim: %s\n", error.c_str());
        return 2;
    }
    const float scale = window_.content_scale();
    std::string font_error;
    if (!theme::load_fonts(CBSIM_FONT_DIR, scale, font_error)) {
        std::fprintf(stderr, "cbsim: %s\n", font_error.c_str());
    }
    theme::apply(scale);

    std::string source;
    ScenarioOrCompare initial = initial_scenario(source);
    SimWorker::Options wopt;
    wopt.speed = options_.speed;
    wopt.playing = !options_.paused;
    // A file opened with --scenario is a recent file like one opened in the dialog.
    if (!options_.scenario_path.empty() && source == options_.scenario_path)
        add_recent(settings_.recent, fs::absolute(source).lexically_normal().string());
    worker_ = std::make_unique<SimWorker>(std::move(initial.scenario), source, wopt,
                                          std::move(initial.variants));
    guard_ = std::make_unique<UnsavedGuard>(*worker_, &report_);

    while (!stop_signal_.load() && window_.begin_frame()) {
        if (!options_.screenshot_path.empty() && frame_ == options_.screenshot_frame) {
            window_.request_screenshot(options_.screenshot_path);
        }
        const std::shared_ptr<const Snapshot> snap = worker_->snapshot();
        events_.update(*snap);
        draw_frame(*snap);
        // Nothing moves while paused: sleep until input instead of drawing at the cap.
        window_.set_idle(!snap->playing && !export_prompt_ && !show_about_);
        window_.end_frame();
        if (auto shot = window_.take_screenshot_result()) {
            std::printf("SCREENSHOT %s %s\n", shot->first.c_str(), shot->second ? "ok" : "failed");
            if (!shot->second && shot->first == options_.screenshot_path) {
                std::fprintf(stderr, "cbsim: --screenshot %s\n",
                             window_.screenshot_error().c_str());
                exit_code_ = 1;  // a runtime error: the PNG could not be written
            }
            if (shot->first == pending_png_) {
                if (shot->second) {
                    set_status("Saved the plots to " + shot->first, false);
                } else {
                    set_status("PNG export failed: " + window_.screenshot_error(), true);
                }
                pending_png_.clear();
            }
        }
        process_notices();
        // Quit once the user has answered the unsaved-changes question with Discard or a save.
        if (guard_->take_quit()) window_.request_close();
        ++frame_;
        if (options_.max_frames > 0 && frame_ >= options_.max_frames) break;
    }
    // Keep UI state for the next session.
    if (!settings_path_.empty()) {
        if (!options_.size_given) {
            int w = 0, h = 0;
            glfwGetWindowSize(window_.handle(), &w, &h);
            if (w > 0 && h > 0) {
                settings_.width = w;
                settings_.height = h;
            }
        }
        settings_.plot_span_s = view_.time.live_span;
        for (auto& p : panels_)
            settings_.panels[p->id()] = p->is_open();
        const std::string err = save_ui_settings(settings_, settings_path_);
        if (!err.empty())
            std::fprintf(stderr, "cbsim: could not save UI settings: %s\n", err.c_str());
    }
    guard_.reset();
    worker_.reset();
    std::printf("EXIT frames=%ld\n", frame_);
    return exit_code_;
}

// [SECTION] Commands from menus and shortcuts (export, PNG, save) -------------------------

void App::set_status(std::string text, bool error) {
    status_ = std::move(text);
    status_error_ = error;
}

void App::process_notices() {
    if (!worker_) return;
    for (Notice& n : worker_->take_notices()) {
        switch (n.kind) {
            case Notice::Kind::exported:
                std::printf("EXPORTED %s\n", n.path.c_str());
                set_status(n.text, false);
                break;
            case Notice::Kind::saved:
                std::printf("SAVED %s\n", n.path.c_str());
                add_recent(settings_.recent, n.path);
                set_status(n.text, false);
                if (guard_save_sent_) guard_->saved();  // the held load goes on
                guard_save_sent_ = false;
                break;
            case Notice::Kind::error:
                std::printf("ERROR %s\n", n.text.c_str());
                set_status(n.text, true);
                if (guard_save_sent_) guard_->save_abandoned();
                guard_save_sent_ = false;
                break;
            case Notice::Kind::info:
                set_status(n.text, false);
                break;
        }
    }
}

void App::export_run(std::string dir) {
    std::error_code ec;
    const fs::path parent = fs::path(dir).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) {
        set_status("Export failed: cannot create " + parent.string() + ": " + ec.message(), true);
        std::printf("ERROR %s\n", status_.c_str());
        return;
    }
    set_status("Exporting to " + dir + " ...", false);
    worker_->send(ExportRun{std::move(dir)});
}

void App::export_png(const Snapshot& snap) {
    if (!plots_panel_->is_open()) {
        set_status("Open the Plots panel to export it as PNG", true);
        return;
    }
    std::error_code ec;
    fs::create_directories(export_base(), ec);
    const std::string path = default_export_path(export_base(), snap.live.name) + "-plots.png";
    const ImVec4 r = plots_panel_->window_rect();
    pending_png_ = path;
    window_.request_screenshot(path, r.x, r.y, r.z, r.w);
}

void App::save_scenario(const Snapshot& snap) {
    // A file the user opened or saved before is saved in place; presets are never overwritten.
    const std::string assets = fs::weakly_canonical(asset_dir()).string();
    const bool is_preset =
        !snap.source.empty() && fs::weakly_canonical(snap.source).string().rfind(assets, 0) == 0;
    if (!snap.source.empty() && !is_preset) {
        worker_->send(SaveScenario{snap.source});
    } else {
        show_file_dialog(FileBrowser::Mode::save, snap);
    }
}

void App::show_file_dialog(FileBrowser::Mode mode, const Snapshot& snap,
                           const std::string& suggestion) {
    browser_for_ = mode == FileBrowser::Mode::open ? ViewState::FileRequest::open
                                                   : ViewState::FileRequest::save_as;
    std::vector<FileBrowser::Place> places;
    if (const char* home = std::getenv("HOME"); home && *home) places.push_back({"Home", home});
    places.push_back(
        {"Scenarios", fs::weakly_canonical(fs::path(asset_dir()) / "scenarios").string()});
    places.push_back({"Exports", export_base()});
    if (!snap.source.empty())
        places.push_back({"This scenario's folder", fs::path(snap.source).parent_path().string()});
    if (mode == FileBrowser::Mode::open) {
        // The folder is taken before `places` is moved into the call (argument order is
        // unspecified).
        std::string folder =
            snap.source.empty() ? places[0].path : fs::path(snap.source).parent_path().string();
        browser_.open(mode, "Open scenario", folder, std::move(places), settings_.recent);
        return;
    }
    // Save as: the file the scenario came from (not a shipped preset), else the exports folder.
    std::string start = suggestion;
    if (start.empty()) {
        const std::string assets = fs::weakly_canonical(asset_dir()).string();
        const bool is_preset = !snap.source.empty() &&
                               fs::weakly_canonical(snap.source).string().rfind(assets, 0) == 0;
        start = !snap.source.empty() && !is_preset
                    ? snap.source
                    : (fs::path(export_base()) / suggested_file_name(snap.live.name, snap.source))
                          .string();
    }
    std::error_code ec;
    fs::create_directories(fs::path(start).parent_path(), ec);
    browser_.open(mode, "Save scenario as", start, std::move(places), settings_.recent);
}

void App::draw_file_dialog(const Snapshot& snap) {
    using Request = ViewState::FileRequest;
    if (view_.file_request == Request::open) {
        show_file_dialog(FileBrowser::Mode::open, snap);
    } else if (view_.file_request == Request::save_as) {
        show_file_dialog(FileBrowser::Mode::save, snap);
    } else if (view_.file_request != Request::none) {
        show_replay_dialog(view_.file_request);
    }
    view_.file_request = Request::none;
    const std::optional<std::string> path = browser_.draw(&report_);
    if (!path) return;
    if (browser_for_ == Request::open_trace || browser_for_ == Request::add_breaker) {
        auto& replay = static_cast<ReplayPanel&>(panel(PanelId::replay));
        const std::string error = browser_for_ == Request::open_trace ? replay.open_trace(*path)
                                                                      : replay.add_breaker(*path);
        if (!error.empty()) {
            browser_.set_error(error);
            return;
        }
        add_recent(settings_.recent, *path);
    } else if (browser_.mode() == FileBrowser::Mode::open) {
        const std::string error = run_panel_->open_file(*path, *guard_);
        if (!error.empty()) {
            browser_.set_error(error);  // the dialog stays open; the run goes on
            return;
        }
        add_recent(settings_.recent, *path);
    } else {
        run_panel_->save_to(*path, *worker_);  // SAVED (then a recent file) or ERROR follows
        guard_save_sent_ = guard_->awaiting_save();
    }
    browser_.close();
}

void App::show_replay_dialog(ViewState::FileRequest request) {
    const std::string presets = fs::weakly_canonical(fs::path(asset_dir()) / "presets").string();
    std::vector<FileBrowser::Place> places;
    if (const char* home = std::getenv("HOME"); home && *home) places.push_back({"Home", home});
    places.push_back({"Breaker presets", presets});
    std::error_code ec;
    browser_for_ = request;
    const bool trace = request == ViewState::FileRequest::open_trace;
    browser_.open(FileBrowser::Mode::open, trace ? "Open trace or log" : "Add breaker file",
                  trace ? fs::current_path(ec).string() : presets, std::move(places),
                  settings_.recent,
                  trace ? std::vector<std::string>{".csv", ".log", ".gz"}
                        : std::vector<std::string>{".toml"});
}

void App::handle_shortcuts(const Snapshot& snap) {
    // Every press GLFW delivered since the last frame, with the modifiers held at that moment:
    // a tap shorter than a frame acts as well as a held key.
    const std::vector<KeyPress> presses = window_.take_key_presses();
    // While a text field has the keyboard, keys are the field's; while the unsaved-changes
    // question is up, they are its.
    if (ImGui::GetIO().WantTextInput || (guard_->holding() && !guard_->awaiting_save())) return;
    for (const KeyPress& k : presses) {
        if ((k.mods & GLFW_MOD_CONTROL) != 0) {
            if (k.key == GLFW_KEY_Q) request_quit();
            if (k.key == GLFW_KEY_E) export_run(default_export_path(export_base(), snap.live.name));
            if (k.key == GLFW_KEY_P) export_png(snap);
            if (k.key == GLFW_KEY_S) save_scenario(snap);
            if (k.key == GLFW_KEY_O) show_file_dialog(FileBrowser::Mode::open, snap);
            if (k.key == GLFW_KEY_Z) {
                if ((k.mods & GLFW_MOD_SHIFT) != 0) {
                    worker_->send(Redo{});
                } else {
                    worker_->send(Undo{});
                }
            }
            for (const PanelSpec& spec : panel_specs()) {
                if (spec.digit != 0 && k.key == GLFW_KEY_0 + spec.digit)
                    panel(spec.id).open() ^= true;
            }
            continue;
        }
        if (k.key == GLFW_KEY_SPACE) worker_->send(TogglePlaying{});
        if (k.key == GLFW_KEY_R) worker_->send(Reset{});
        if (k.key == GLFW_KEY_F1) show_help_ = !show_help_;
    }
}

// [SECTION] Layout and frame -----------------------------------------------------------------

std::vector<TileItem> App::tile_items() const {
    std::vector<TileItem> items;
    for (const PanelSpec& spec : panel_specs()) {
        items.push_back(TileItem{spec.key, static_cast<int>(spec.column), spec.row, spec.share,
                                 panels_[static_cast<std::size_t>(spec.id)]->is_open()});
    }
    return items;
}

namespace {

/// Gaps and minimum sizes in font units, so they scale with the UI.
TileLimits tile_limits() {
    const float fs = ImGui::GetFontSize();
    return TileLimits{std::round(fs * 0.3f), fs * 12.0f, fs * 4.0f};
}

std::string splitter_name(const Splitter& sp) {
    switch (sp.kind) {
        case Splitter::Kind::left_column:
            return "split.left";
        case Splitter::Kind::right_column:
            return "split.right";
        case Splitter::Kind::row:
            break;
    }
    return std::string("split.") + panel_specs()[sp.above].key + "/" + panel_specs()[sp.below].key;
}

}  // namespace

void App::layout() {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float status_h = ImGui::GetFrameHeight() + 4.0f;
    layout_area_ = TileRect{vp->WorkPos.x, vp->WorkPos.y, vp->WorkPos.x + vp->WorkSize.x,
                            vp->WorkPos.y + vp->WorkSize.y - status_h};
    tiling_ = tile(layout_area_, tile_items(), settings_.layout, tile_limits());
    for (std::size_t i = 0; i < panels_.size(); ++i) {
        const TileRect& r = tiling_.rects[i];
        panels_[i]->place(ImVec2(r.x0, r.y0), ImVec2(r.w(), r.h()));
    }
    if (report_.enabled) {
        for (auto it = report_.rects.begin(); it != report_.rects.end();) {
            it = it->first.rfind("split.", 0) == 0 ? report_.rects.erase(it) : std::next(it);
        }
        for (const Splitter& sp : tiling_.splitters)
            report_.rects[splitter_name(sp)] = ImVec4(sp.hit.x0, sp.hit.y0, sp.hit.x1, sp.hit.y1);
    }
}

void App::drag_borders() {
    const ImGuiIO& io = ImGui::GetIO();
    const TileLimits limits = tile_limits();
    // A double-click on a border puts it back where it is by default. Told from the presses
    // GLFW delivered with their own times, so two clicks that fall in one slow frame (or in
    // frames slower than ImGui's double-click time) still count.
    for (const MousePress& m : window_.take_mouse_presses()) {
        if (m.button != GLFW_MOUSE_BUTTON_LEFT) continue;
        int hit = -1;
        for (std::size_t s = 0; s < tiling_.splitters.size(); ++s) {
            if (tiling_.splitters[s].hit.contains(static_cast<float>(m.x), static_cast<float>(m.y)))
                hit = static_cast<int>(s);
        }
        if (hit >= 0 && hit == last_press_splitter_ && m.time - last_press_time_ <= 0.5) {
            const Splitter& sp = tiling_.splitters[static_cast<std::size_t>(hit)];
            if (sp.kind == Splitter::Kind::left_column) settings_.layout.left = 0.0f;
            if (sp.kind == Splitter::Kind::right_column) settings_.layout.right = 0.0f;
            if (sp.kind == Splitter::Kind::row) {
                settings_.layout.weights.erase(panel_specs()[sp.above].key);
                settings_.layout.weights.erase(panel_specs()[sp.below].key);
            }
            drag_splitter_ = -1;
            last_press_splitter_ = -1;
            return;
        }
        last_press_splitter_ = hit;
        last_press_time_ = m.time;
    }
    if (drag_splitter_ >= 0) {
        const Splitter& sp = drag_from_.splitters[static_cast<std::size_t>(drag_splitter_)];
        const bool rows = sp.kind == Splitter::Kind::row;
        ImGui::SetMouseCursor(rows ? ImGuiMouseCursor_ResizeNS : ImGuiMouseCursor_ResizeEW);
        // A press that has not moved changes nothing (a click is not a resize).
        const float delta = (rows ? io.MousePos.y : io.MousePos.x) - drag_start_;
        settings_.layout = delta == 0.0f
                               ? drag_from_sizes_
                               : drag_splitter(layout_area_, tile_items(), drag_from_sizes_,
                                               drag_from_, sp, delta, limits);
        if (!io.MouseDown[0]) drag_splitter_ = -1;
        return;
    }
    // A splitter lies in the gap between two panels, where no window is: the mouse there
    // belongs to no ImGui window, and no widget or popup holds it.
    if (ImGui::IsWindowHovered(ImGuiHoveredFlags_AnyWindow) || ImGui::IsAnyItemActive() ||
        ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel))
        return;
    for (std::size_t s = 0; s < tiling_.splitters.size(); ++s) {
        const Splitter& sp = tiling_.splitters[s];
        if (!sp.hit.contains(io.MousePos.x, io.MousePos.y)) continue;
        const bool rows = sp.kind == Splitter::Kind::row;
        ImGui::SetMouseCursor(rows ? ImGuiMouseCursor_ResizeNS : ImGuiMouseCursor_ResizeEW);
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
            drag_splitter_ = static_cast<int>(s);
            drag_start_ = rows ? io.MousePos.y : io.MousePos.x;
            drag_from_sizes_ = settings_.layout;
            drag_from_ = tiling_;
        }
        return;
    }
}

void App::request_quit() {
    if (guard_->request_quit()) window_.request_close();
}

void App::draw_frame(const Snapshot& snap) {
    guard_->set_unsaved(snap.unsaved);
    if (window_.take_close_button()) request_quit();
    handle_shortcuts(snap);
    draw_menu_bar(snap);
    view_.resolve(snap.live);
    layout();
    drag_borders();
    view_.time.update(snap.now_s());
    if (snap.live.name != title_) {
        title_ = snap.live.name;
        window_.set_title("cbsim - " + title_);
    }
    for (auto& p : panels_)
        p->draw(snap, *guard_);
    // A click on a service of the map brings its sliders into view.
    if (!view_.show_service.empty()) panel(PanelId::services).open() = true;
    draw_status_bar(snap);
    draw_file_dialog(snap);
    if (guard_->draw()) show_file_dialog(FileBrowser::Mode::save, snap);
    // Scripts see the unsaved-changes question come up (its buttons' RECTs follow).
    const bool asking = guard_->holding() && !guard_->awaiting_save();
    if (asking && !asking_reported_)
        std::printf("ASKING %s\n", guard_->quitting() ? "quit" : "replace");
    asking_reported_ = asking;
    // The save dialog the question opened was closed without saving: nothing is replaced.
    if (guard_->awaiting_save() && !guard_save_sent_ && !browser_.is_open())
        guard_->save_abandoned();
    draw_export_prompt();
    if (show_about_) draw_about();
    if (show_help_) draw_help_overlay(snap);
    if (options_.test_report) report_ready();
}

// [SECTION] Menus, status bar, dialogs, overlays --------------------------------------------

void App::draw_menu_bar(const Snapshot& snap) {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        // One service, paused at exactly t = 0 (docs/APP.md): the load and the pause are one
        // step of the worker.
        if (ImGui::MenuItem("New scenario"))
            guard_->send(LoadScenario{new_scenario(), "", {}, false});
        report_menu_item("menu.file.new");
        if (ImGui::MenuItem("Open scenario...", "Ctrl+O"))
            show_file_dialog(FileBrowser::Mode::open, snap);
        if (ImGui::MenuItem("Save scenario", "Ctrl+S")) save_scenario(snap);
        if (ImGui::MenuItem("Save scenario as...")) show_file_dialog(FileBrowser::Mode::save, snap);
        ImGui::Separator();
        if (ImGui::MenuItem("Open trace..."))
            view_.file_request = ViewState::FileRequest::open_trace;
        report_menu_item("menu.file.open_trace");
        ImGui::Separator();
        if (ImGui::MenuItem("Export run", "Ctrl+E")) {
            export_run(default_export_path(export_base(), snap.live.name));
        }
        if (ImGui::MenuItem("Export run to...")) {
            std::snprintf(export_path_, sizeof export_path_, "%s",
                          default_export_path(export_base(), snap.live.name).c_str());
            export_prompt_ = true;
        }
        if (ImGui::MenuItem("Export plots PNG", "Ctrl+P")) export_png(snap);
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) request_quit();
        ImGui::EndMenu();
    } else {
        report_menu_item("menu.file");
    }
    if (ImGui::BeginMenu("Edit")) {
        const bool can_undo = !snap.undo_label.empty(), can_redo = !snap.redo_label.empty();
        if (ImGui::MenuItem(can_undo ? snap.undo_label.c_str() : "Undo", "Ctrl+Z", false, can_undo))
            worker_->send(Undo{});
        if (ImGui::MenuItem(can_redo ? snap.redo_label.c_str() : "Redo", "Ctrl+Shift+Z", false,
                            can_redo))
            worker_->send(Redo{});
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Run")) {
        if (ImGui::MenuItem(snap.playing ? "Pause" : "Play", "Space"))
            worker_->send(TogglePlaying{});
        if (ImGui::MenuItem("Step 1 s", nullptr, false, !snap.playing))
            worker_->send(Step{kSecond});
        if (ImGui::MenuItem("Reset", "R")) worker_->send(Reset{});
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        for (auto& p : panels_)
            ImGui::MenuItem(p->title().c_str(), p->shortcut().c_str(), &p->open());
        ImGui::Separator();
        if (ImGui::MenuItem("Reset layout", nullptr, false, !(settings_.layout == TileSizes{}))) {
            settings_.layout = TileSizes{};
        }
        report_menu_item("menu.view.reset_layout");
        ImGui::MenuItem("Follow live time", nullptr, &view_.time.follow_live);
        ImGui::EndMenu();
    } else {
        report_menu_item("menu.view");
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("How to read this", "F1")) show_help_ = true;
        if (ImGui::MenuItem("About cbsim")) show_about_ = true;
        ImGui::EndMenu();
    }
    ImGui::EndMainMenuBar();
}

void App::draw_status_bar(const Snapshot& snap) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float h = ImGui::GetFrameHeight() + 4.0f;
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - h));
    ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, h));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8, 2));
    ImGui::Begin("##status", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(snap.playing ? ImVec4(0.4f, 0.8f, 0.45f, 1) : ImVec4(0.95f, 0.7f, 0.2f, 1),
                       "%s", snap.playing ? "running" : "paused");
    ImGui::SameLine();
    ImGui::Text("%s  t = %s  %.1fx", snap.live.name.c_str(),
                plot::format_time(snap.now_s(), 0.1).c_str(), snap.speed);
    if (!status_.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("|");
        ImGui::SameLine();
        ImGui::TextColored(
            status_error_ ? ImVec4(0.95f, 0.35f, 0.3f, 1) : ImVec4(0.75f, 0.85f, 1, 1), "%s",
            status_.c_str());
    }
    const std::string fps = std::to_string(static_cast<int>(ImGui::GetIO().Framerate)) + " fps";
    ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(fps.c_str()).x - 10.0f);
    ImGui::TextDisabled("%s", fps.c_str());
    ImGui::End();
    ImGui::PopStyleVar();
}

void App::draw_export_prompt() {
    if (export_prompt_) {
        ImGui::OpenPopup("Export run");
        export_prompt_ = false;
    }
    if (ImGui::BeginPopupModal("Export run", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        std::string files;
        for (const char* f : run_folder_files()) {
            files += files.empty() ? "" : ", ";
            files += f;
        }
        ImGui::Text("Write %s to:", files.c_str());
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 32.0f);
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        const bool enter = ImGui::InputText("##dir", export_path_, sizeof export_path_,
                                            ImGuiInputTextFlags_EnterReturnsTrue);
        if ((ImGui::Button("Export") || enter) && export_path_[0] != '\0') {
            export_run(export_path_);
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
}

void App::draw_about() {
    ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 28.0f, 0), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    if (ImGui::Begin("About cbsim", &show_about_, ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::Text("cbsim %s", version_string);
        const std::span<const PresetInfo> presets = all_presets();
        std::string libraries;
        for (std::size_t i = 0; i < presets.size(); ++i) {
            if (i > 0) libraries += i + 1 == presets.size() ? " and " : ", ";
            libraries += presets[i].library.name;
        }
        ImGui::TextWrapped(
            "An interactive circuit-breaker simulator: see how a breaker behaves before you "
            "trust it with production traffic. Breakers mirror %s.",
            libraries.c_str());
        for (const PresetInfo& p : presets) {
            ImGui::BulletText("%s %s (%s)", p.library.name, p.library.version, p.library.source);
        }
        ImGui::Separator();
        ImGui::Text("Dear ImGui %s", IMGUI_VERSION);
        ImGui::Text("GLFW %s", glfwGetVersionString());
        ImGui::Text("UI settings: %s",
                    settings_path_.empty() ? "(not saved)" : settings_path_.c_str());
        ImGui::Text("Exports: %s", export_base().c_str());
    }
    ImGui::End();
}

void App::draw_help_overlay(const Snapshot& snap) {
    const ImVec4 r = plots_panel_->window_rect();
    const float w = ImGui::GetFontSize() * 30.0f;
    ImGui::SetNextWindowPos(ImVec2((r.x + r.z) * 0.5f, r.y + ImGui::GetFontSize() * 5.0f),
                            ImGuiCond_Always, ImVec2(0.5f, 0.0f));
    ImGui::SetNextWindowSize(ImVec2(w, 0));
    ImGui::SetNextWindowBgAlpha(0.95f);
    if (ImGui::Begin("How to read this", &show_help_,
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoResize)) {
        ImGui::PushTextWrapPos(0.0f);
        const ScenarioHelp help = describe_scenario(snap.live, view_.edge);
        ImGui::TextWrapped("%s", help.topology.c_str());
        ImGui::Spacing();
        ImGui::TextUnformatted("Colours:");
        ImGui::SameLine();
        ImGui::TextColored(theme::state_color_vec(State::closed), "closed");
        ImGui::SameLine();
        ImGui::TextColored(theme::state_color_vec(State::open), "open");
        ImGui::SameLine();
        ImGui::TextColored(theme::state_color_vec(State::half_open), "half-open");
        // Arrows without a breaker (the topology map): grey, redder as more of their calls fail.
        ImGui::TextUnformatted("No breaker:");
        ImGui::SameLine();
        ImGui::TextColored(
            ImGui::ColorConvertU32ToFloat4(TopologyPanel::edge_color(false, State::closed, 0.0)),
            "calls ok");
        ImGui::SameLine();
        ImGui::TextColored(
            ImGui::ColorConvertU32ToFloat4(TopologyPanel::edge_color(false, State::closed, 0.5)),
            "half failing");
        ImGui::SameLine();
        ImGui::TextColored(
            ImGui::ColorConvertU32ToFloat4(TopologyPanel::edge_color(false, State::closed, 1.0)),
            "all failing");
        ImGui::Spacing();
        ImGui::Bullet();
        ImGui::TextWrapped("%s", help.try_first.c_str());
        if (!help.edge.empty()) {
            ImGui::Bullet();
            ImGui::TextWrapped("%s",
                               "After its open timeout it lets a few probe calls through "
                               "(half-open, amber). Drag the failure rate back down and the "
                               "probes succeed: it closes again (green).");
        }
        ImGui::Bullet();
        ImGui::TextWrapped("%s",
                           "Right: the breaker's settings (hover any for what it does) and "
                           "its state diagram with transition counts and time in state.");
        ImGui::Bullet();
        ImGui::TextWrapped("%s",
                           "Plots: wheel zooms, drag pans, double-click follows live time, "
                           "click a legend entry to hide it. Click an event to jump there.");
        ImGui::Bullet();
        ImGui::TextWrapped("%s",
                           "Drag a border between two panels to resize them; View > Reset "
                           "layout puts them back. Ctrl+1..9 show and hide panels.");
        ImGui::Bullet();
        ImGui::TextWrapped("%s",
                           "Space pauses, R restarts, Ctrl+E exports the run as CSV, Ctrl+S "
                           "saves the scenario with your changes.");
        ImGui::PopTextWrapPos();
        if (ImGui::Button("Got it")) {
            show_help_ = false;
            settings_.show_help = false;
        }
        ImGui::SameLine();
        ImGui::TextDisabled("F1 shows this again");
    }
    ImGui::End();
    if (!show_help_) settings_.show_help = false;
}

// [SECTION] Test report ---------------------------------------------------------------------

void App::report_menu_item(const char* name) {
    if (!report_.enabled) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    report_.rects[name] = ImVec4(a.x, a.y, b.x, b.y);
}

void App::report_ready() {
    // ImGui lays windows out over the first frames; report once the layout has settled, then
    // report again every rectangle that moved (a scrolled panel) and the selected edge.
    if (frame_ < 5) return;
    int wx = 0, wy = 0;
    window_.position(wx, wy);
    if (!ready_reported_) std::printf("WINDOW %d %d\n", wx, wy);
    for (const auto& [name, r] : report_.rects) {
        auto it = reported_rects_.find(name);
        if (it != reported_rects_.end() && it->second.x == r.x && it->second.y == r.y &&
            it->second.z == r.z && it->second.w == r.w)
            continue;
        reported_rects_[name] = r;
        std::printf("RECT %s %d %d %d %d\n", name.c_str(), wx + static_cast<int>(r.x),
                    wy + static_cast<int>(r.y), wx + static_cast<int>(r.z),
                    wy + static_cast<int>(r.w));
    }
    if (view_.edge != reported_edge_) {
        reported_edge_ = view_.edge;
        std::printf("SELECTED %s\n", reported_edge_.c_str());
    }
    if (!ready_reported_) std::printf("READY\n");
    ready_reported_ = true;
}

}  // namespace cbsim::gui
