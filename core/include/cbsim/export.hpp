// cbsim/export.hpp: the run folder of DESIGN.md section 3.
//
//   timeseries.csv  t_s,edge,state,calls,allowed,rejected,successes,failures,timeouts,retries,
//                   fallbacks,failure_rate,latency_p50_ms,latency_p99_ms,inflight,
//                   bulkhead_rejected,open_instances
//                   one row per time bucket per edge, buckets in time order, edges in
//                   recorder order (entry edge first)
//   services.csv    t_s,service,arrivals,served,dropped,queue,busy,utilisation
//   events.csv      t_s,edge,instance,from,to,reason (transitions and applied changes)
//   scenario.toml   the scenario with every applied change (text given by the caller)
//   summary.json    the KPIs (summary.hpp)
//
// RFC 4180 CSV (fields quoted when they hold a comma, quote or line break; CRLF is not used:
// lines end in "\n"), '.' decimal point, fixed formatting: t_s with 3 decimals (6 when the
// resolution is below a millisecond), rates with 4, latencies with 3, so the same run gives
// the same bytes.
//
// Call these on the thread that drives the run (they read the open bucket from the Run).
#pragma once

#include <string>
#include <string_view>

#include "cbsim/run.hpp"

namespace cbsim {

std::string timeseries_csv(const Run& run);
std::string services_csv(const Run& run);
std::string events_csv(const Run& run);

/// Writes the run folder into `dir`. If `dir` does not exist, the files are written to a
/// staging sibling directory and published with one rename; if it exists (and is a
/// directory), each file is replaced atomically. Returns an empty string on success, else a
/// message naming the path and the reason; on failure no half-written file is left behind.
std::string write_run_folder(const Run& run, const std::string& dir,
                             std::string_view scenario_toml);

}  // namespace cbsim
