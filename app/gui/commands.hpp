// commands.hpp: what the UI asks of the simulation, and what it reads back.
//
// The UI thread never touches the Run. Panels send Commands through a CommandSink; the
// SimWorker applies them on its own thread between two advances and publishes Snapshots, small
// read-only copies the UI draws from. The plot data is not copied: a Snapshot holds the run's
// Recorder, which any thread may read (recorder.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <cbsim/compare.hpp>
#include <cbsim/recorder.hpp>
#include <cbsim/scenario.hpp>
#include <cbsim/summary.hpp>
#include <cbsim/time.hpp>

namespace cbsim::gui {

// [SECTION] Commands -------------------------------------------------------------------------

/// Sets a parameter by path ("B.failure_rate", "A->B.breaker.timeout_ms") at the run's now;
/// recorded into the scenario's timeline. With `step`, the value is one step of a gesture (a
/// slider drag: Run::apply_step, a number): applied live at once, the whole gesture recorded as
/// one change when EndGesture comes (the mouse-up). Queued steps of one path that a later step
/// supersedes before the worker takes them are dropped, never applied.
struct SetSetting {
    std::string path;
    SettingValue value;
    bool step = false;
};
/// Ends the open gesture (the mouse-up of a slider drag): its one change is recorded now.
struct EndGesture {};
/// Applies the previous value of the latest edit (a typed value, a click or a whole drag) as a
/// new recorded change at the current time (EditHistory); Redo applies it again.
struct Undo {};
struct Redo {};
struct SetPlaying {
    bool playing = true;
};
struct TogglePlaying {};
/// Advances a paused run by `dt`.
struct Step {
    SimTime dt = kSecond;
};
/// Restarts at t = 0 with the settings in force now (and the scheduled changes still ahead).
struct Reset {};
/// Simulated seconds per real second, [0.1, 1000].
struct SetSpeed {
    double speed = 1.0;
};
/// A new seed restarts the run (as Reset) with that seed.
struct SetSeed {
    std::uint64_t seed = 1;
};
/// Replaces the run with a new one of `scenario`; `source` is the file it came from. With
/// `variants` (a compare file), the variants run side by side on the scenario (compare mode).
/// With `playing`, the new run starts so (false: paused at exactly t = 0, in the same step
/// as the load); without it, it keeps the play state of the run it replaces.
struct LoadScenario {
    Scenario scenario;
    std::string source;
    std::vector<Variant> variants;
    std::optional<bool> playing;
};
/// Compare mode: a new variant, a copy of the selected one's protection, named `name` (empty:
/// the next free "vN"). Every variant restarts at t = 0 so all of them see the same world from
/// the start. From a single run, the run becomes the first variant. `overrides` (protection
/// paths, e.g. a sweep point's settings) are applied to the copy; if one does not apply, the
/// variant is not added and a notice says why.
struct AddVariant {
    std::string name;
    std::vector<Override> overrides;
};
/// Removes a variant (every variant restarts at t = 0); removing the last but one returns to a
/// single run.
struct RemoveVariant {
    std::size_t index = 0;
};
/// Renames a variant (its folder in exports); refused with a notice if the name is not allowed
/// or taken.
struct RenameVariant {
    std::size_t index = 0;
    std::string name;
};
/// The variant the panels show and edit; protection settings (SetSetting on an edge's keys)
/// apply to it alone, world settings to every variant.
struct SelectVariant {
    std::size_t index = 0;
};
/// Writes the run folder (timeseries.csv, events.csv, scenario.toml, ...) to `dir`.
struct ExportRun {
    std::string dir;
};
/// Writes the scenario with every applied change to `path` (TOML).
struct SaveScenario {
    std::string path;
};

/// A topology edit (docs/APP.md "Editing the system"): `changes` (topology paths, then the
/// settings of what they add) applied together as one edit and one undo step, at the run's now
/// (at t = 0, before the run has advanced, to the scenario itself). Refused with a notice when
/// any change is (check_changes()), and while comparing variants.
struct EditTopology {
    std::vector<Change> changes;
};
/// Renames a service everywhere (rename_service()): an edit of the scenario itself, so only
/// before the run has advanced (t = 0); refused with a notice later.
struct RenameService {
    std::string from;
    std::string to;
};

using Command =
    std::variant<SetSetting, EndGesture, Undo, Redo, SetPlaying, TogglePlaying, Step, Reset,
                 SetSpeed, SetSeed, LoadScenario, ExportRun, SaveScenario, AddVariant,
                 RemoveVariant, RenameVariant, SelectVariant, EditTopology, RenameService>;

/// Where panels send commands. The app forwards them to the SimWorker; tests record them.
class CommandSink {
  public:
    virtual ~CommandSink() = default;
    virtual void send(Command command) = 0;
};

/// A CommandSink that keeps what it receives, in order (the panel tests read it).
class CommandLog : public CommandSink {
  public:
    void send(Command command) override { commands.push_back(std::move(command)); }
    std::vector<Command> commands;
};

// [SECTION] Notices (results the UI shows) ---------------------------------------------------

struct Notice {
    enum class Kind : std::uint8_t { info, error, exported, saved };
    Kind kind = Kind::info;
    std::string text;  ///< a sentence for people
    std::string path;  ///< the file or folder written, for exported/saved
};

// [SECTION] Snapshot -------------------------------------------------------------------------

/// One variant of a compare, as the plots and the Summary overlay them.
struct VariantView {
    std::string name;
    std::shared_ptr<const Recorder> recorder;  ///< keeps the variant's recorder alive
    std::vector<EdgeLive> edges;               ///< per recorder edge
    Summary summary;
};

/// What the UI draws in one frame. Immutable once published; shared between frames.
/// In compare mode the run fields (recorder, live, changes, edges, summary) are the selected
/// variant's, and `variants` holds every variant in order.
struct Snapshot {
    std::uint64_t generation = 0;  ///< changes when the run is replaced (reset, load, seed)
    std::shared_ptr<const Recorder> recorder;  ///< keeps the run's recorder alive; may be null
    Scenario live;                             ///< the parameters in force now
    std::size_t changes = 0;                   ///< entries in the run's timeline
    std::size_t scheduled = 0;                 ///< of them, those still ahead (at > now)
    std::string source;                        ///< the file the scenario came from ("" = built in)
    SimTime now = 0;
    bool playing = false;
    double speed = 1.0;
    bool behind = false;          ///< the worker could not keep up with the requested speed
    std::vector<EdgeLive> edges;  ///< per recorder edge, in recorder order
    Summary summary;
    std::string error;  ///< why there is no run (a scenario failed to load), else empty
    std::vector<VariantView> variants;  ///< compare mode: every variant; empty for one run
    std::size_t selected = 0;           ///< compare mode: the variant the panels show and edit
    std::string undo_label;  ///< EditHistory::undo_label(): "" when there is nothing to undo
    std::string redo_label;
    /// Edits (a typed value, a click, a whole drag, an undo, a topology edit, a rename, a
    /// seed, a variant added or removed) since the scenario was loaded, saved or exported:
    /// what replacing it would lose.
    std::size_t unsaved = 0;

    bool comparing() const { return !variants.empty(); }

    double now_s() const { return to_s(now); }
};

}  // namespace cbsim::gui
