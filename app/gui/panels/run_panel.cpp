#include "panels/run_panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <cbsim/compare.hpp>
#include <cbsim/scenario_io.hpp>

#include "paths.hpp"
#include "theme.hpp"
#include "widgets/file_browser.hpp"
#include "widgets/plot_math.hpp"

namespace cbsim::gui {

RunPanel::RunPanel(ViewState& view, std::string scenario_dir)
    : Panel(PanelId::run), view_(view), scenario_dir_(std::move(scenario_dir)) {
    scan_presets();
}

void RunPanel::scan_presets() {
    presets_.clear();
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(scenario_dir_, ec)) {
        if (entry.path().extension() == ".toml") presets_.push_back(entry.path().string());
    }
    std::sort(presets_.begin(), presets_.end());
}

std::string RunPanel::open_file(const std::string& path, CommandSink& sink) {
    try {
        ScenarioOrCompare f = load_scenario_or_compare(path);
        sink.send(LoadScenario{std::move(f.scenario), path, std::move(f.variants), std::nullopt});
        error_.clear();
    } catch (const std::exception& e) {
        error_ = e.what();
    }
    return error_;
}

void RunPanel::save_to(const std::string& path, CommandSink& sink) {
    sink.send(SaveScenario{path});
}

void RunPanel::draw_content(const Snapshot& snap, CommandSink& sink) {
    if (snap.generation != seed_generation_) {
        seed_generation_ = snap.generation;
        seed_input_ = snap.live.seed;
    }
    // Play / step / reset.
    const char* play = snap.playing ? "Pause" : "Play";
    if (ImGui::Button(play, ImVec2(ImGui::GetFontSize() * 4.5f, 0))) sink.send(TogglePlaying{});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run or pause the simulation (Space)");
    report_item("run.play");
    ImGui::SameLine();
    ImGui::BeginDisabled(snap.playing);
    if (ImGui::Button("Step")) sink.send(Step{kSecond});
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
        ImGui::SetTooltip("Advance a paused run by one simulated second");
    }
    ImGui::SameLine();
    if (ImGui::Button("Reset")) sink.send(Reset{});
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("Restart at t = 0 with the settings shown now (R)");
    }
    ImGui::SameLine();
    ImGui::Text("t = %s", plot::format_time(snap.now_s(), 0.1).c_str());

    // Speed, on a log scale: 0.1x .. 1000x.
    float speed = static_cast<float>(snap.speed);
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 3.5f);
    if (ImGui::SliderFloat("speed", &speed, 0.1f, 1000.0f, "%.1fx",
                           ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) {
        sink.send(SetSpeed{static_cast<double>(speed)});
    }
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("Simulated seconds per real second, 0.1x to 1000x (Ctrl+click to type)");
    }
    if (snap.behind) {
        ImGui::TextColored(ImVec4(0.95f, 0.7f, 0.2f, 1.0f),
                           "running slower than asked: the machine cannot keep up");
    }

    // Seed: a new seed restarts the run.
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7.0f);
    ImGui::InputScalar("seed", ImGuiDataType_U64, &seed_input_, nullptr, nullptr, "%llu");
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("Seed of every random draw; same scenario + seed = same run");
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(seed_input_ == snap.live.seed);
    if (ImGui::Button("Apply seed")) sink.send(SetSeed{seed_input_});
    ImGui::EndDisabled();

    // Scenario: presets, open, save.
    ImGui::Separator();
    const std::string current = snap.live.name;
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 4.5f);
    if (ImGui::BeginCombo("scenario", current.c_str())) {
        for (const std::string& path : presets_) {
            const std::string name = std::filesystem::path(path).stem().string();
            if (ImGui::Selectable(name.c_str(), path == snap.source)) open_file(path, sink);
        }
        ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("Preset scenarios from %s", scenario_dir_.c_str());
    }
    if (ImGui::Button("Open...")) view_.file_request = ViewState::FileRequest::open;
    report_item("run.open");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open a scenario file (Ctrl+O)");
    ImGui::SameLine();
    if (ImGui::Button("Save as...")) view_.file_request = ViewState::FileRequest::save_as;
    report_item("run.save_as");
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("Save the scenario with every change applied so far (Ctrl+S)");
    }
    ImGui::SameLine();
    // Changes applied so far (each drag is one), and the scenario's timeline still ahead.
    const auto changes = static_cast<unsigned long long>(snap.summary.changes_applied);
    const char* noun = changes == 1 ? "change" : "changes";
    if (snap.scheduled > 0) {
        ImGui::TextDisabled("%llu %s, %zu scheduled", changes, noun, snap.scheduled);
    } else {
        ImGui::TextDisabled("%llu %s", changes, noun);
    }
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "Setting changes applied so far (a slider drag is one), and the "
            "scenario's timeline entries still ahead. Save and Export keep them "
            "all, so the run replays exactly.");
    }
    if (!snap.source.empty()) ImGui::TextDisabled("%s", shown_path(snap.source).c_str());
    if (!snap.error.empty())
        ImGui::TextColored(ImVec4(0.9f, 0.3f, 0.25f, 1), "%s", snap.error.c_str());
    if (!error_.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(ImVec4(0.9f, 0.3f, 0.25f, 1), "%s", error_.c_str());
        ImGui::PopTextWrapPos();
    }
}

}  // namespace cbsim::gui
