// run_panel.hpp: run controls: play/pause (Space), step, reset (R), speed 0.1x..1000x, seed,
// scenario presets from the asset directory, Open... and Save as... (the App's file dialog).
#pragma once

#include <string>
#include <vector>

#include "panels/panel.hpp"
#include "view_state.hpp"

namespace cbsim::gui {

class RunPanel : public Panel {
  public:
    /// `scenario_dir`: where the preset scenarios are (assets/scenarios). Open... and Save
    /// as... set `view.file_request`.
    RunPanel(ViewState& view, std::string scenario_dir);

    /// Loads a scenario file and sends LoadScenario; on failure keeps the run and returns the
    /// error (file, line, key, range), also shown in the panel.
    std::string open_file(const std::string& path, CommandSink& sink);

    /// Sends SaveScenario to `path` (no prompt).
    void save_to(const std::string& path, CommandSink& sink);

    const std::vector<std::string>& presets() const { return presets_; }

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    void scan_presets();

    ViewState& view_;
    std::string scenario_dir_;
    std::vector<std::string> presets_;  ///< file paths, sorted
    std::string error_;
    std::uint64_t seed_input_ = 1;
    std::uint64_t seed_generation_ = 0;
};

}  // namespace cbsim::gui
