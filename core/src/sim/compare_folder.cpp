// compare_folder.cpp: the compare folder (written whole, like a run folder) and compare.toml.
//
// [SECTION] What a compare folder may hold
// [SECTION] CompareFolderWriter
// [SECTION] compare.toml
#include <toml++/toml.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "cbsim/atomic_file.hpp"
#include "cbsim/compare.hpp"
#include "cbsim/error.hpp"
#include "cbsim/export.hpp"
#include "cbsim/number_text.hpp"
#include "cbsim/scenario_io.hpp"
#include "cbsim/text.hpp"
#include "scenario_io/internal.hpp"
#include "sim/output_folder.hpp"

namespace cbsim {

namespace fs = std::filesystem;

// [SECTION] What a compare folder may hold ---------------------------------------------------

namespace {

/// The marker: cbsim replaces or deletes only compare folders that carry it.
constexpr const char* kMarker = ".cbsim-compare";
constexpr std::string_view kMarkerText =
    "cbsim compare folder; replaced as a whole by the next compare\n";
constexpr const char* kTopFiles[] = {kMarker, "compare.csv", "compare.toml", "scenario.toml"};

bool is_top_file(const std::string& name, bool staging) {
    for (const char* f : kTopFiles) {
        if (name == f) return true;
        if (staging && name.rfind(std::string(".") + f + ".tmp-", 0) == 0) return true;
    }
    return false;
}

/// A variant's folder: a run folder (one seed), or folders "seed-<s>" that are run folders.
std::string variant_folder_problem(const fs::path& dir) {
    if (check_run_folder(dir.string()).empty()) return {};
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_directory(ec) || entry.is_symlink(ec) || name.rfind("seed-", 0) != 0)
            return "its '" + name + "' is neither a run folder nor part of one";
        if (std::string e = check_run_folder(entry.path().string()); !e.empty()) return e;
    }
    if (ec) return "cannot list " + dir.string() + ": " + ec.message();
    return {};
}

/// Why the existing directory `dir` is not a compare folder cbsim may replace (empty if it
/// is): every entry a file of a compare folder or a variant folder, and the marker present
/// (or the folder empty). A staging folder (written by cbsim, marker first) is accepted
/// whole when it carries the marker: a killed compare may have left anything of its own in it.
std::string folder_problem(const fs::path& dir, bool staging) {
    return sim::marked_folder_problem(
        dir, staging, kMarker, "a compare folder",
        [staging](const fs::directory_entry& entry, const std::string& name) -> std::string {
            std::error_code ec;
            const auto type = entry.symlink_status(ec).type();
            if (type == fs::file_type::regular && is_top_file(name, staging)) return {};
            if (type != fs::file_type::directory || !variant_name_problem(name).empty())
                return "holds '" + name + "', which is not part of a compare folder";
            if (std::string e = variant_folder_problem(entry.path()); !e.empty())
                return "its folder '" + name + "': " + e;
            return {};
        });
}

const sim::FolderKind kCompareFolder{"write the compare", "compare", "a compare", folder_problem};

/// check_compare_folder with the parent's lock held by the caller.
std::string check_locked(const std::string& dir, const fs::path& target) {
    return sim::check_output_folder(dir, target, kCompareFolder);
}

}  // namespace

std::string check_compare_folder(const std::string& dir) {
    if (dir.empty()) return "the compare folder name is empty";
    const fs::path target = sim::normalise_folder(dir);
    DirectoryLock lock(sim::parent_of(target).string());
    return check_locked(dir, target);
}

// [SECTION] CompareFolderWriter --------------------------------------------------------------

CompareFolderWriter::CompareFolderWriter(std::string dir)
    : StagedFolderWriter(std::move(dir), kCompareFolder, kMarker, kMarkerText) {}

std::string CompareFolderWriter::run_folder(std::string_view variant, std::uint64_t seed,
                                            bool per_seed) {
    std::string out(variant);
    if (per_seed) {
        out += "/seed-";
        text::integer(out, seed);
    }
    return out;
}

std::string CompareFolderWriter::add_runs(const Compare& compare, std::uint64_t seed,
                                          bool per_seed) {
    if (!error().empty()) return error();
    for (std::size_t i = 0; i < compare.size(); ++i) {
        const fs::path folder = staged(run_folder(compare.variant(i).name, seed, per_seed));
        std::error_code ec;
        if (per_seed) fs::create_directories(folder.parent_path(), ec);
        const Run& run = compare.run(i);
        const std::string toml = scenario_to_toml(run.exported_scenario());
        if (std::string e = write_run_folder(run, folder.string(), toml); !e.empty())
            return fail(e);
    }
    return {};
}

std::string CompareFolderWriter::add_file(const std::string& name, std::string_view content) {
    if (!error().empty()) return error();
    if (std::string e = write_file_atomic(staged(name), content); !e.empty()) return fail(e);
    return {};
}

// [SECTION] compare.toml ---------------------------------------------------------------------

namespace {

/// A TOML basic string.
std::string toml_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + '"';
}

int line_of(const toml::node& node) {
    return static_cast<int>(node.source().begin.line);
}

}  // namespace

std::string compare_file_toml(const CompareFile& file) {
    std::string out =
        "# cbsim compare: re-run with `cbsim-cli compare compare.toml --out DIR` "
        "(docs/COMPARE.md)\n";
    out += "scenario = " + toml_string(file.scenario) + "\n";
    out += "seeds = " + text::integer(static_cast<std::int64_t>(file.seeds)) + "\n";
    out += "variants = [\n";
    for (const Variant& v : file.variants)
        out += "  " + toml_string(variant_spec(v)) + ",\n";
    out += "]\n";
    return out;
}

std::optional<CompareFile> load_compare_file(const std::string& path) {
    return parse_compare_toml(read_config_file(path), path);
}

std::optional<CompareFile> parse_compare_toml(std::string_view text, const std::string& path) {
    detail::check_nesting(text, path);
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(path));
    } catch (const toml::parse_error& e) {
        throw ConfigError(path, static_cast<int>(e.source().begin.line), "",
                          "not valid TOML: " + std::string(e.description()));
    }
    if (!root.contains("variants")) return std::nullopt;
    CompareFile out;
    for (const auto& [key, node] : root) {
        const std::string k(key.str());
        if (k != "scenario" && k != "seeds" && k != "variants")
            throw ConfigError(path, line_of(node), k,
                              "unknown key; a compare file has scenario, seeds and variants");
    }
    const toml::node* scenario = root.get("scenario");
    if (scenario == nullptr || !scenario->is_string())
        throw ConfigError(path, scenario ? line_of(*scenario) : 0, "scenario",
                          "expected the base scenario's file name as a string");
    out.scenario = scenario->as_string()->get();
    if (const toml::node* seeds = root.get("seeds")) {
        const auto* n = seeds->as_integer();
        if (n == nullptr || n->get() < 1 || n->get() > static_cast<std::int64_t>(kMaxSeeds))
            throw ConfigError(path, line_of(*seeds), "seeds",
                              "expected an integer in [1, " + std::to_string(kMaxSeeds) + "]");
        out.seeds = static_cast<std::uint64_t>(n->get());
    }
    const toml::node* variants = root.get("variants");
    const toml::array* list = variants->as_array();
    if (list == nullptr || list->empty() || list->size() > kMaxVariants)
        throw ConfigError(path, line_of(*variants), "variants",
                          "expected an array of 1 to " + std::to_string(kMaxVariants) +
                              " variant specs, \"NAME[:PATH=VALUE,...]\"");
    for (const toml::node& item : *list) {
        if (!item.is_string())
            throw ConfigError(path, line_of(item), "variants",
                              "expected a variant spec string, \"NAME[:PATH=VALUE,...]\"");
        Variant v;
        if (std::string e = parse_variant(item.as_string()->get(), v); !e.empty())
            throw ConfigError(path, line_of(item), "variants", e);
        out.variants.push_back(std::move(v));
    }
    return out;
}

}  // namespace cbsim
