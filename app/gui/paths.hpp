// paths.hpp: where the app reads assets and writes exports and scenarios.
#pragma once

#include <cstddef>
#include <string>

namespace cbsim::gui {

/// The asset directory (presets/, scenarios/), first of:
///  1. $CBSIM_ASSET_DIR when set and not empty (an explicit override);
///  2. <dir of this executable>/../share/cbsim, the installed layout (read through
///     /proc/self/exe, so a moved or copied prefix works), when that folder exists;
///  3. the path in <dir of this executable>/cbsim-assets.path, a file the build writes next to
///     the binaries of a build tree (pointing at the source tree's assets/).
/// When none exists it returns the installed location of 2, so messages name where data is
/// expected. No absolute path is compiled in.
std::string asset_dir();

/// The longest file_stem: with the time stamp, "-plots.png", ".staging" and the temp-file
/// suffixes the names stay far below NAME_MAX (255 bytes).
inline constexpr std::size_t kMaxFileStemBytes = 96;

/// A scenario name as a file name: ASCII letters, digits, '-' and '_' and valid UTF-8
/// characters kept, any other byte '-'; cut to at most kMaxFileStemBytes bytes at a character
/// boundary; "run" when nothing is left.
std::string file_stem(const std::string& scenario_name);

/// The file name Save as suggests: the name of the file the scenario came from (`source`, a
/// shipped preset's "cascade_abc.toml"), else the scenario's name as a file_stem with each
/// run of '-' made one and none at either end ("Cascade A -> B -> C" -> "Cascade-A-B-C.toml").
std::string suggested_file_name(const std::string& scenario_name, const std::string& source);

/// `base`/<scenario name>-<YYYYmmdd-HHMMSS>, with -2, -3 ... if that exists already.
std::string default_export_path(const std::string& base, const std::string& scenario_name);

}  // namespace cbsim::gui
