// services_panel.hpp: per service failure rate, latency p50/p99, capacity, instances and hang
// rate; each a slider with a typed entry and its range. Changes apply live and are recorded.
#pragma once

#include "panels/panel.hpp"
#include "widgets/setting_input.hpp"

namespace cbsim::gui {

class ServicesPanel : public Panel {
  public:
    ServicesPanel();

    /// The keys shown for each service, in order (the latency keys depend on its distribution).
    static std::vector<std::string> keys_for(const Service& service);

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    SettingInputs inputs_;
    std::uint64_t generation_ = 0;
};

}  // namespace cbsim::gui
