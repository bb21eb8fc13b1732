// replay_panel.hpp: the Replay view (docs/REPLAY.md). A trace or an access log (File > Open
// trace...) replayed through several breaker configs at once, in the background
// (replay_model.hpp): on one time axis the trace's calls/s and failure share, then one state
// band per config (hover: the state at that moment and the reason of the transition into it),
// and beside them the per-config summary (the columns of replay_summary_columns()). A log's
// format is detected; "Read as..." gives another format, layout, failure rule or timeout; the
// lines it skipped (not in the format, ...) are counted beside its name, the first ones quoted
// on hover. The configs: every preset's library-defaults file (checkboxes) plus breaker files
// added with "Add breaker file...". Wheel zooms, drag pans, double-click fits the whole trace;
// zoomed to the finest buckets, each call is a tick coloured by its outcome.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "panels/panel.hpp"
#include "replay_model.hpp"
#include "view_state.hpp"
#include "widgets/time_plot.hpp"

namespace cbsim::gui {

class ReplayPanel : public Panel {
  public:
    /// Closed until a trace is opened. `preset_dir` holds the presets' breaker files.
    ReplayPanel(ViewState& view, std::string preset_dir);

    /// Opens `path` (a trace.csv, or a log of a detected format) and replays it with the
    /// chosen configs. Returns why it cannot (the file dialog shows it), else "".
    std::string open_trace(const std::string& path);
    /// Adds a breaker file as a config (chosen) and replays again. Returns why it cannot.
    std::string add_breaker(const std::string& path);

    const ReplayJob& job() const { return job_; }
    /// The last finished replay (nullptr before any).
    const ReplayResult* result() const { return result_.get(); }
    struct Config {
        std::string name;
        std::string file;
        bool chosen = true;
    };
    const std::vector<Config>& configs() const { return configs_; }

    /// How a log is read: what `cbsim-cli replay --format F` takes beside it (IMPORT.md).
    /// `layout` is a log_format string (nginx, envoy) or a field mapping (json, csv); empty
    /// or the format's default layout means the default; haproxy has none. `failure` empty
    /// means the default rule; `timeout_ms` < 0 none.
    struct ReadAs {
        LogFormat format = LogFormat::nginx;
        std::string layout;
        std::string failure;
        double timeout_ms = -1;
    };
    /// Reads the open log with `r` and replays it again. Refuses (returns why, and nothing
    /// changes) a layout, field mapping or failure rule that does not parse, or options that
    /// do not read the file's first line. Else "".
    std::string read_as(const ReadAs& r);
    /// The options the log is read with.
    const LogOptions& read_options() const { return read_; }

  protected:
    void draw_content(const Snapshot& snapshot, CommandSink& sink) override;

  private:
    /// Starts the replay of the file with the chosen configs; false with error_ set if not.
    bool restart();
    void draw_header();
    /// Beside the trace's name: a log's skipped lines (count, reasons; hover: the first ones).
    void draw_skipped(const LogStats& stats);
    /// The "Read as..." popup: format, layout, failure rule and timeout, and Apply.
    void draw_read_as();
    /// Fills the popup's fields from the options in use.
    void load_read_form();
    void draw_configs();
    void draw_plots(float width);
    void draw_summary();
    void report_done();

    ViewState& view_;
    std::vector<Config> configs_;
    std::string path_;
    TraceKind kind_;
    LogOptions read_;
    // The popup's fields, applied by read_as.
    LogFormat form_format_ = LogFormat::nginx;
    char form_layout_[1024] = {};
    char form_failure_[256] = {};
    bool form_timeout_on_ = false;
    double form_timeout_ms_ = 1000;
    std::string form_error_;
    bool open_read_as_ = false;  ///< open the popup at the next frame
    std::string error_;
    ReplayJob job_;
    std::shared_ptr<const ReplayResult> result_;
    bool reported_ = true;
    TimeView time_;
    TimePlot rate_plot_, share_plot_;
    std::vector<TimePlot> bands_;
    std::vector<ColumnAgg> rate_cols_, share_cols_, band_cols_;
};

}  // namespace cbsim::gui
