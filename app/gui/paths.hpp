// paths.hpp: where the app reads assets and writes exports and scenarios.
#pragma once

#include <string>

namespace cbsim::gui {

/// The asset directory: $CBSIM_ASSET_DIR if set, else the one the build knows.
std::string asset_dir();

/// A scenario name as a file name: letters, digits, '-' and '_' kept, anything else '-'.
std::string file_stem(const std::string& scenario_name);

/// `base`/<scenario name>-<YYYYmmdd-HHMMSS>, with -2, -3 ... if that exists already.
std::string default_export_path(const std::string& base, const std::string& scenario_name);

}  // namespace cbsim::gui
