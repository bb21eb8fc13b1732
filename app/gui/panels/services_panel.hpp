// services_panel.hpp: the arrival rate and, per service, the keys of scenario_keys.hpp marked
// `panel` (instances, capacity, latency, failure and hang rates, faulty instances); each a
// slider with a typed entry, its range, label and tooltip from the key table. Changes apply
// live and are recorded.
#pragma once

#include <map>
#include <string>

#include "panels/panel.hpp"
#include "widgets/setting_input.hpp"

namespace cbsim::gui {

class ServicesPanel : public Panel {
  public:
    ServicesPanel();

    /// The keys shown for each service, in table order (the latency keys depend on its
    /// distribution).
    static std::vector<std::string> keys_for(const Service& service);

    /// Opens the service's header and scrolls it to the top of the panel at the next draw (the
    /// topology map asks when a service is clicked).
    void scroll_to(std::string service) { scroll_to_ = std::move(service); }

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    SettingInputs inputs_;
    std::uint64_t generation_ = 0;
    std::string scroll_to_;
    std::map<std::string, float> block_h_;  ///< per service: its sliders' height last drawn
};

}  // namespace cbsim::gui
