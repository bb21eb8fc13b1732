// cbsim/scenario_io.hpp: scenario TOML files (docs/SCENARIOS.md).
//
// Loading checks everything a file can get wrong and throws ConfigError naming the file, the
// line, the key (in file terms: "service[1].latency_ms.p99", "timeline[0].value") and what is
// allowed: TOML syntax, unknown keys, wrong types, NaN and infinities, negative times, sizes
// past the limits below, and every rule of validate() (scenario.hpp: ranges, unique service
// names, known targets, no dependency cycle, settable timeline paths and values). No input
// makes it crash or hang.
//
// Saving is lossless and canonical: parse_scenario_toml(scenario_to_toml(s)) == s for every
// scenario validate() accepts, and saving that again gives the same bytes. Keys come in a fixed
// order, every key is written (defaults included, so a saved file documents itself), reals in
// their shortest round-trip form, times in seconds with microsecond precision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cbsim/scenario.hpp"

namespace cbsim {

/// Limits past which a file is refused as absurd (a typo, or not a scenario at all) rather
/// than simulated. Generous: far beyond anything the GUI can build.
inline constexpr std::size_t kMaxScenarioFileBytes = std::size_t{64} << 20;
inline constexpr std::size_t kMaxServices = 1000;
inline constexpr std::size_t kMaxDependencies = 100;  ///< per service
inline constexpr std::size_t kMaxTrafficPhases = 100000;
inline constexpr std::size_t kMaxTimelineEntries = 1000000;
inline constexpr std::size_t kMaxNameLength = 256;  ///< scenario and service names, in bytes
/// Times in a file (`at_s`, `ramp_s`) lie in [0, kMaxTimeSeconds]: well past the longest run
/// (duration_s <= 1e7) and small enough that seconds convert to microseconds exactly.
inline constexpr double kMaxTimeSeconds = 1e9;

/// Why a scenario's saved text of `bytes` bytes could not be loaded again (empty if it can):
/// past kMaxScenarioFileBytes. The loader refuses such a scenario (its canonical text can be
/// longer than the file it came from, e.g. inline timeline tables), and exports refuse to
/// write such a scenario.toml, so every scenario file cbsim writes loads again.
std::string saved_size_problem(std::size_t bytes);

/// Reads and parses a scenario file. Throws ConfigError (an unreadable file included).
Scenario load_scenario_file(const std::string& path);

/// Parses scenario TOML text; `file` names it in errors.
Scenario parse_scenario_toml(std::string_view text, const std::string& file);

/// The canonical TOML text of a scenario (see the top of this file).
std::string scenario_to_toml(const Scenario& scenario);

/// Writes scenario_to_toml(scenario) to `path` atomically. Returns an empty string on
/// success, else a message naming the path and the reason.
std::string save_scenario_file(const Scenario& scenario, const std::string& path);

/// What a TOML configuration file holds, for `cbsim-cli validate`: a lone `[breaker]` table
/// (breaker_config.hpp) or a scenario.
enum class ConfigFileKind : std::uint8_t { scenario, breaker, compare, sweep };

/// Reads `path` and tells its kind: a breaker file when `breaker` is its only top-level key, a
/// compare file when it has `variants` (compare.hpp), a sweep spec when it has `axis`
/// (sweep.hpp), else a scenario. Throws ConfigError when the file cannot be read or is not TOML.
ConfigFileKind detect_config_file_kind(const std::string& path);
/// The same for text already read (`file` names it in errors), so a pipe is read only once.
ConfigFileKind detect_config_text_kind(std::string_view text, const std::string& file);

/// Reads a whole file for the loaders, opening it once: a regular file or a pipe (a FIFO,
/// `<(...)`, /dev/stdin); refuses directories, devices, sockets, unreadable files and files
/// past kMaxScenarioFileBytes with a ConfigError naming the path.
std::string read_config_file(const std::string& path);

}  // namespace cbsim
