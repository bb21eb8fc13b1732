// cbsim/export.hpp: the run folder (docs/SIMULATION.md lists its files).
//
//   timeseries.csv  t_s, edge, then every column of kEdgeColumnSpecs (recorder.hpp) in order:
//                   state,calls,...,open_instances; one row per time bucket per edge,
//                   buckets in time order, edges in recorder order (entry edge first)
//   services.csv    t_s, service, then every column of kServiceColumnSpecs in order
//   events.csv      t_s,edge,instance,from,to,reason (transitions and applied changes)
//   scenario.toml   the scenario with every applied change (text given by the caller)
//   summary.json    the KPIs (summary.hpp)
//   .cbsim-run      the marker: cbsim replaces or deletes only folders that carry it
//
// RFC 4180 CSV (fields quoted when they hold a comma, quote or line break; CRLF is not used:
// lines end in "\n"), '.' decimal point, fixed formatting: t_s with 3 decimals (6 when the
// resolution is below a millisecond), the other columns as their ColumnSpec says (rates with
// 4, latencies with 3), so the same run gives the same bytes.
//
// Call these on the thread that drives the run (they read the open bucket from the Run).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "cbsim/run.hpp"

namespace cbsim {

/// The names of the files of a run folder, in the order they are written (the list above).
std::span<const char* const> run_folder_files();

std::string timeseries_csv(const Run& run);
std::string services_csv(const Run& run);
std::string events_csv(const Run& run);

/// Receives the text of a file piece by piece; returns false to stop (a write failed).
using CsvSink = std::function<bool(std::string_view)>;

/// The same text as timeseries_csv etc., handed to `sink` in pieces of about 1 MiB, so a long
/// run's file is never held whole. False if the sink refused a piece.
bool write_timeseries_csv(const Run& run, const CsvSink& sink);
bool write_services_csv(const Run& run, const CsvSink& sink);
bool write_events_csv(const Run& run, const CsvSink& sink);

/// Why `dir` cannot receive a run folder (empty if it can): it is a file, it or its parent is
/// not writable, the parent does not exist or is not a directory, it is a mount point or the
/// current directory, it is not an earlier export (write_run_folder replaces the folder as a
/// whole, so it never deletes other files), "DIR.staging" exists and is not one cbsim left, or
/// the staging folder cannot be created (a name past NAME_MAX, a path under /proc: proven by
/// creating and removing it). An earlier export is a folder that is empty, or holds the marker
/// ".cbsim-run" and only files of a run folder, all regular files, or (written before the
/// marker existed) exactly the five files of a run folder as regular files. The message starts
/// with `dir`. Takes the lock of write_run_folder while it looks.
std::string check_run_folder(const std::string& dir);

/// Writes the run folder `dir` so that it holds either its previous content or the complete
/// new export, never a mix, whatever happens (full disk, kill -9, power loss after fsync):
/// the files are streamed into the staging sibling "DIR.staging" (each fsync'ed), which is
/// then renamed to DIR when DIR does not exist, or exchanged with it in one step when it does
/// (replace_directory in atomic_file.hpp); the previous content is then deleted. Refuses what
/// check_run_folder refuses. Returns an empty string on success, else a message naming the
/// path and the reason; on failure DIR is untouched and the staging directory removed. A
/// killed export can leave "DIR.staging" behind; the next export to DIR removes it (only when it
/// carries the marker or is empty). Exports into one parent directory take turns: each holds an
/// exclusive flock on the parent directory while it checks and writes, so of two exports to
/// one DIR at once the second waits, then replaces the first one's export.
std::string write_run_folder(const Run& run, const std::string& dir,
                             std::string_view scenario_toml);

}  // namespace cbsim
