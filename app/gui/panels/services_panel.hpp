// services_panel.hpp: the arrival rate and, per service, the keys of scenario_keys.hpp marked
// `panel` (instances, capacity, latency, failure and hang rates, faulty instances); each a
// slider with a typed entry, its range, label and tooltip from the key table. Changes apply
// live and are recorded. Below the sliders, the system's shape is edited (SystemEditor): add a
// service; rename or remove the service chosen, add and remove its dependencies.
#pragma once

#include <map>
#include <string>

#include "panels/panel.hpp"
#include "view_state.hpp"
#include "widgets/setting_input.hpp"
#include "widgets/system_editor.hpp"

namespace cbsim::gui {

class ServicesPanel : public Panel {
  public:
    /// Opens and scrolls to `view.show_service` when it is set (a click on the map), then
    /// clears it.
    explicit ServicesPanel(ViewState& view);

    /// The keys shown for each service, in table order (the latency keys depend on its
    /// distribution).
    static std::vector<std::string> keys_for(const Service& service);

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    SettingInputs inputs_;
    SystemEditor editor_;
    std::uint64_t generation_ = 0;
    ViewState& view_;
    std::map<std::string, float> block_h_;  ///< per service: its sliders' height last drawn
};

}  // namespace cbsim::gui
