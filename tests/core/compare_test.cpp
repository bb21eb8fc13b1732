// Compare: variants in lockstep, world and protection changes, variant specs, the KPI table,
// paired differences, compare.csv and the compare folder.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cbsim/compare.hpp"
#include "cbsim/edge_name.hpp"
#include "cbsim/error.hpp"
#include "cbsim/export.hpp"
#include "cbsim/scenario_io.hpp"
#include "common/temp_dir.hpp"

namespace cbsim {
namespace {

namespace fs = std::filesystem;

/// The default scenario with B failing a third of its calls, so breakers and retries act.
Scenario base_scenario() {
    Scenario sc = default_scenario();
    sc.duration_s = 20;
    sc.find_service("B")->failure_rate = 0.3;
    return sc;
}

Variant variant(const std::string& spec) {
    Variant v;
    EXPECT_EQ(parse_variant(spec, v), "") << spec;
    return v;
}

/// Every file of a run's export as text.
std::vector<std::string> files_of(const Run& run) {
    return {timeseries_csv(run), services_csv(run), events_csv(run),
            scenario_to_toml(run.exported_scenario()), summary_json(run.summary())};
}

using test::TempDir;
std::string read(const fs::path& p) {
    return test::read_bytes(p);
}

TEST(Compare, IdenticalVariantsGiveIdenticalFiles) {
    Compare c(base_scenario(),
              {variant("one:A->B.retry.max_attempts=3"), variant("two:A->B.retry.max_attempts=3")});
    c.advance_to(from_s(5));
    ASSERT_EQ(c.apply("B.failure_rate", 0.8), "");
    c.advance_to(from_s(20));
    EXPECT_GT(c.run(0).summary().edges[1].retries, 0u);
    EXPECT_EQ(files_of(c.run(0)), files_of(c.run(1)));
}

TEST(Compare, VariantAloneEqualsVariantInCompare) {
    Compare c(base_scenario(),
              {variant("base"), variant("fast:A->B.timeout_ms=50,A->B.breaker.timeout_ms=1000")});
    c.advance_to(from_s(4));
    ASSERT_EQ(c.apply("B.latency_p99_ms", 400.0), "");
    ASSERT_EQ(c.apply("fast", "A->B.retry.max_attempts", 2.0), "");
    c.advance_to(from_s(20));

    // The variant alone: its scenario built the same way, driven with the same changes.
    Scenario alone_sc;
    ASSERT_EQ(variant_scenario(base_scenario(), c.variant(1), alone_sc), "");
    cbsim::Run alone(alone_sc);
    alone.advance_to(from_s(4));
    ASSERT_EQ(alone.apply("B.latency_p99_ms", 400.0), "");
    ASSERT_EQ(alone.apply("A->B.retry.max_attempts", 2.0), "");
    alone.advance_to(from_s(20));
    EXPECT_EQ(files_of(alone), files_of(c.run(1)));

    // And the exported scenario re-run from scratch gives the same files again.
    cbsim::Run again(c.run(1).exported_scenario());
    again.advance_to(from_s(20));
    EXPECT_EQ(files_of(again), files_of(c.run(1)));
    // The variants differ (the timeout of 50 ms cuts the slow calls).
    EXPECT_NE(files_of(c.run(0)), files_of(c.run(1)));
}

TEST(Compare, WorldChangeReachesEveryVariantProtectionChangeOnlyOne) {
    Compare c(base_scenario(), {variant("a"), variant("b"), variant("c")});
    c.advance_to(from_s(2));
    ASSERT_EQ(c.apply("B.failure_rate", 0.6), "");
    ASSERT_EQ(c.apply("traffic.rate_rps", 80.0), "");
    ASSERT_EQ(c.apply("b", "A->B.timeout_ms", 200.0), "");
    for (std::size_t i = 0; i < c.size(); ++i) {
        EXPECT_EQ(c.run(i).live().find_service("B")->failure_rate, 0.6);
        EXPECT_EQ(c.run(i).live().traffic.rate_rps, 80.0);
        const std::int64_t timeout = c.run(i).live().find_service("A")->dependencies[0].timeout_ms;
        EXPECT_EQ(timeout, i == 1 ? 200 : 1000) << i;
        EXPECT_EQ(c.run(i).scenario().timeline.size(), i == 1 ? 3u : 2u);
    }
    EXPECT_EQ(c.now(), from_s(2));
    // Each overload refuses the other scope, and an unknown variant; nothing changes.
    EXPECT_NE(c.apply("A->B.timeout_ms", 10.0).find("protection"), std::string::npos);
    EXPECT_NE(c.apply("b", "B.failure_rate", 0.1).find("world"), std::string::npos);
    EXPECT_NE(c.apply("zz", "A->B.timeout_ms", 10.0).find("no variant named 'zz'"),
              std::string::npos);
    EXPECT_NE(c.apply("B.failure_rate", 2.0).find("[0, 1]"), std::string::npos);
    for (std::size_t i = 0; i < c.size(); ++i)
        EXPECT_EQ(c.run(i).live().find_service("B")->failure_rate, 0.6);
}

TEST(Compare, ScopeFollowsTheKeyTable) {
    // Every edge key (a dependency's row or the breaker's) is protection; every traffic and
    // service key is world.
    const Scenario sc = base_scenario();
    std::size_t protection = 0;
    for (const SettingSpec& spec : setting_specs(sc)) {
        const auto head = spec.path.substr(0, spec.path.find('.'));
        const bool edge = EdgeName::parse(head).has_value();
        const auto scope = setting_scope(sc, spec.path);
        ASSERT_TRUE(scope) << spec.path;
        EXPECT_EQ(*scope, edge ? SettingScope::protection : SettingScope::world) << spec.path;
        protection += edge;
    }
    EXPECT_GT(protection, 10u);
    EXPECT_FALSE(setting_scope(sc, "A->B.nothing"));
}

TEST(Compare, VariantSpecs) {
    Variant v;
    ASSERT_EQ(parse_variant("r3:A->B.retry.max_attempts=3,A->B.retry.jitter=full", v), "");
    EXPECT_EQ(v.name, "r3");
    ASSERT_EQ(v.overrides.size(), 2u);
    EXPECT_EQ(v.overrides[0].value, SettingValue(3.0));
    EXPECT_EQ(v.overrides[1].value, SettingValue(std::string("full")));
    EXPECT_EQ(variant_spec(v), "r3:A->B.retry.max_attempts=3,A->B.retry.jitter=full");
    ASSERT_EQ(parse_variant("plain", v), "");
    EXPECT_TRUE(v.overrides.empty());

    EXPECT_NE(parse_variant("", v).find("not allowed"), std::string::npos);
    EXPECT_NE(parse_variant("a/b", v).find("letters, digits"), std::string::npos);
    EXPECT_NE(parse_variant("-x", v).find("not starting with '-'"), std::string::npos);
    EXPECT_NE(parse_variant("x:A->B.timeout_ms", v).find("is not PATH=VALUE"), std::string::npos);
    EXPECT_NE(parse_variant("x:a=1,", v).find("is not PATH=VALUE"), std::string::npos);
    EXPECT_NE(parse_variant(std::string(65, 'a'), v).find("1 to 64"), std::string::npos);
}

TEST(Compare, BadVariantsNameVariantPathAndAllowed) {
    const Scenario base = base_scenario();
    Scenario out;
    std::string e = variant_scenario(base, variant("x:A->B.retry.max_attemps=3"), out);
    EXPECT_NE(e.find("variant 'x': A->B.retry.max_attemps"), std::string::npos) << e;
    EXPECT_NE(e.find("close matches: A->B.retry.max_attempts"), std::string::npos) << e;
    e = variant_scenario(base, variant("x:B.failure_rate=0.5"), out);
    EXPECT_NE(e.find("variant 'x': B.failure_rate: a world setting"), std::string::npos) << e;
    e = variant_scenario(base, variant("x:A->B.retry.max_attempts=0"), out);
    EXPECT_NE(e.find("variant 'x': A->B.retry.max_attempts: 0 is out of range; expected an "
                     "integer in [1, 100]"),
              std::string::npos)
        << e;
    e = variant_scenario(base, variant("x:A->B.breaker.preset=nope"), out);
    EXPECT_NE(e.find("expected one of: none, gobreaker"), std::string::npos) << e;

    EXPECT_NE(check_variants(base, {}).find("expected 1 to 8"), std::string::npos);
    std::vector<Variant> nine(9);
    for (std::size_t i = 0; i < nine.size(); ++i)
        nine[i].name = "v" + std::to_string(i);
    EXPECT_NE(check_variants(base, nine).find("9 variants; expected 1 to 8"), std::string::npos);
    EXPECT_NE(check_variants(base, {{variant("a"), variant("a")}}).find("used twice"),
              std::string::npos);
    EXPECT_THROW(Compare(base, {variant("a"), variant("b:B.capacity=3")}), ConfigError);

    // A good variant's scenario is the base with the override, nothing else.
    ASSERT_EQ(variant_scenario(base, variant("y:A->B.breaker.preset=none"), out), "");
    EXPECT_FALSE(out.find_service("A")->dependencies[0].breaker);
    out.find_service("A")->dependencies[0].breaker = base.services[0].dependencies[0].breaker;
    EXPECT_EQ(out, base);
}

/// P(T <= t) for Student's t with `df` degrees of freedom, by Simpson's rule on the density.
double t_cdf(double t, double df) {
    const double c = std::exp(std::lgamma((df + 1) / 2) - std::lgamma(df / 2)) /
                     std::sqrt(df * 3.14159265358979323846);
    const auto pdf = [&](double x) { return c * std::pow(1 + x * x / df, -(df + 1) / 2); };
    const int n = 200000;
    const double h = t / n;
    double sum = pdf(0) + pdf(t);
    for (int i = 1; i < n; ++i)
        sum += pdf(i * h) * (i % 2 == 1 ? 4 : 2);
    return 0.5 + sum * h / 3;
}

TEST(Compare, StudentQuantileIsTheNinetySevenAndAHalfPercentPoint) {
    for (std::size_t df : {1u, 2u, 3u, 5u, 10u, 29u, 30u, 31u, 40u, 60u, 120u, 1000u}) {
        const double t = student_t_975(df);
        EXPECT_NEAR(t_cdf(t, static_cast<double>(df)), 0.975, 2e-5) << df;
    }
    EXPECT_GT(student_t_975(30), student_t_975(31));
    EXPECT_NEAR(student_t_975(1000000), 1.959964, 1e-5);
}

TEST(Compare, PairedDifference) {
    const double d[] = {1, 2, 3};
    const PairedDifference p = paired_difference(d);
    EXPECT_EQ(p.n, 3u);
    EXPECT_DOUBLE_EQ(p.mean, 2.0);
    ASSERT_TRUE(p.half_width);
    EXPECT_NEAR(*p.half_width, student_t_975(2) / std::sqrt(3.0), 1e-12);
    const double one[] = {5};
    EXPECT_FALSE(paired_difference(one).half_width);
    EXPECT_EQ(paired_difference(one).mean, 5.0);
}

CompareResults results_of(const Scenario& base, const std::vector<Variant>& variants,
                          std::uint64_t seeds) {
    CompareResults r;
    for (const Variant& v : variants)
        r.variants.push_back(v.name);
    r.summaries.resize(variants.size());
    for (std::uint64_t s = 0; s < seeds; ++s) {
        Scenario sc = base;
        sc.seed = base.seed + s;
        Compare c(sc, variants);
        c.advance_to(sc.duration());
        r.seeds.push_back(sc.seed);
        const auto summaries = c.summaries();
        for (std::size_t v = 0; v < variants.size(); ++v)
            r.summaries[v].push_back(summaries[v]);
    }
    return r;
}

TEST(Compare, CsvHasOneRowPerVariantSeedAndEdgeAndAColumnPerKpi) {
    const auto r =
        results_of(base_scenario(), {variant("base"), variant("nob:A->B.breaker.preset=none")}, 3);
    const std::string csv = compare_csv(r);
    std::istringstream in(csv);
    std::string header, line;
    std::getline(in, header);
    std::string want = "variant,seed,edge";
    for (const CompareKpi& k : compare_kpis())
        want.append(",").append(k.name);
    EXPECT_EQ(header, want);
    std::size_t rows = 0;
    while (std::getline(in, line)) {
        ++rows;
        EXPECT_EQ(std::count(line.begin(), line.end(), ','),
                  static_cast<long>(compare_kpis().size()) + 2)
            << line;
    }
    EXPECT_EQ(rows, 2u * 3u * 2u);
    EXPECT_NE(csv.find("\nnob,3,A->B,"), std::string::npos);
    EXPECT_EQ(compare_csv(r), csv);

    const std::string table = compare_table_text(r);
    EXPECT_NE(table.find("nob - base"), std::string::npos) << table;
    EXPECT_NE(table.find("95 % CI"), std::string::npos) << table;
    EXPECT_NE(table.find("A->B       rejected"), std::string::npos) << table;
}

TEST(Compare, OneSeedSaysThereIsNoInterval) {
    const auto r = results_of(base_scenario(), {variant("a"), variant("b")}, 1);
    const std::string table = compare_table_text(r);
    EXPECT_NE(table.find("one seed gives no confidence interval"), std::string::npos) << table;
    EXPECT_EQ(table.find('['), std::string::npos) << table;
    // Identical variants: every difference is zero.
    EXPECT_EQ(table.find("+1"), std::string::npos) << table;
}

TEST(Compare, FolderIsWrittenWholeAndOnlyOverAnEarlierCompare) {
    TempDir tmp("cbsim_compare_folder_test");
    const std::string dir = (tmp.path / "out").string();
    Scenario sc = base_scenario();
    sc.duration_s = 2;
    Compare c(sc, {variant("a"), variant("b:A->B.timeout_ms=10")});
    c.advance_to(sc.duration());
    {
        CompareFolderWriter w(dir);
        ASSERT_EQ(w.error(), "");
        ASSERT_EQ(w.add_runs(c, sc.seed, false), "");
        ASSERT_EQ(w.add_file("compare.csv", "x\n"), "");
        EXPECT_FALSE(fs::exists(dir));  // nothing visible before commit
        ASSERT_EQ(w.commit(), "");
    }
    EXPECT_EQ(read(tmp.path / "out" / "b" / "timeseries.csv"), timeseries_csv(c.run(1)));
    EXPECT_TRUE(fs::exists(tmp.path / "out" / ".cbsim-compare"));
    EXPECT_FALSE(fs::exists(dir + ".staging"));
    {
        // Replaced as a whole: the new one has other variants, the old ones are gone.
        Compare one(sc, {variant("z")});
        one.advance_to(sc.duration());
        CompareFolderWriter w(dir);
        ASSERT_EQ(w.error(), "");
        ASSERT_EQ(w.add_runs(one, 7, true), "");
        ASSERT_EQ(w.commit(), "");
    }
    EXPECT_TRUE(fs::exists(tmp.path / "out" / "z" / "seed-7" / "summary.json"));
    EXPECT_FALSE(fs::exists(tmp.path / "out" / "a"));
    {
        // Abandoned: the staging folder goes, the folder stays as it was.
        CompareFolderWriter w(dir);
        ASSERT_EQ(w.add_runs(c, 1, false), "");
    }
    EXPECT_FALSE(fs::exists(dir + ".staging"));
    EXPECT_TRUE(fs::exists(tmp.path / "out" / "z"));

    // A folder with a file of its own is refused, and left alone.
    fs::create_directories(tmp.path / "mine");
    std::ofstream(tmp.path / "mine" / "notes.txt") << "keep";
    const std::string refused = check_compare_folder((tmp.path / "mine").string());
    EXPECT_NE(refused.find("holds 'notes.txt'"), std::string::npos) << refused;
    CompareFolderWriter w((tmp.path / "mine").string());
    EXPECT_EQ(w.error(), refused);
    EXPECT_EQ(read(tmp.path / "mine" / "notes.txt"), "keep");
    // A run folder is not a compare folder.
    ASSERT_EQ(write_run_folder(c.run(0), (tmp.path / "run").string(), "x"), "");
    EXPECT_NE(check_compare_folder((tmp.path / "run").string()).find("not part of a compare"),
              std::string::npos);
}

TEST(Compare, DocsListTheKpisOfTheTable) {
    const std::string doc =
        read(fs::path(CBSIM_TEST_DATA_DIR) / ".." / ".." / "docs" / "COMPARE.md");
    const std::string begin = "<!-- BEGIN kpis (compare_kpis_markdown()) -->\n";
    const auto at = doc.find(begin);
    ASSERT_NE(at, std::string::npos);
    const auto end = doc.find("<!-- END kpis -->", at);
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ(doc.substr(at + begin.size(), end - at - begin.size()), compare_kpis_markdown())
        << "paste compare_kpis_markdown() into docs/COMPARE.md";
}

TEST(Compare, CompareFileRoundTrip) {
    TempDir tmp("cbsim_compare_file_test");
    const CompareFile file{
        "base.toml", 4, {variant("a"), variant("b:A->B.retry.max_attempts=3,A->B.fallback=1")}};
    const fs::path path = tmp.path / "compare.toml";
    std::ofstream(path) << compare_file_toml(file);
    const auto back = load_compare_file(path.string());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->scenario, "base.toml");
    EXPECT_EQ(back->seeds, 4u);
    EXPECT_EQ(back->variants, file.variants);

    std::ofstream(tmp.path / "scenario.toml") << scenario_to_toml(default_scenario());
    EXPECT_FALSE(load_compare_file((tmp.path / "scenario.toml").string()));

    std::ofstream(tmp.path / "bad.toml")
        << "scenario = \"s.toml\"\nseeds = 0\nvariants = [\"a\"]\n";
    try {
        load_compare_file((tmp.path / "bad.toml").string());
        FAIL() << "seeds = 0 accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.line(), 2);
        EXPECT_EQ(e.key(), "seeds");
        EXPECT_NE(e.message().find("[1, 1000]"), std::string::npos);
    }
    std::ofstream(tmp.path / "bad2.toml") << "scenario = \"s.toml\"\nvariants = [\"a/b\"]\n";
    EXPECT_THROW(load_compare_file((tmp.path / "bad2.toml").string()), ConfigError);
}

TEST(Compare, TimedOverridesReadBackAndEnterTheTimeline) {
    const Variant v = variant("late:A->B.retry.max_attempts=3@2.5,A->B.timeout_ms=200");
    ASSERT_EQ(v.overrides.size(), 2u);
    EXPECT_EQ(v.overrides[0].at, std::optional<SimTime>(2500000));
    EXPECT_FALSE(v.overrides[1].at);
    EXPECT_EQ(variant_spec(v), "late:A->B.retry.max_attempts=3@2.5,A->B.timeout_ms=200");
    Variant back;
    ASSERT_EQ(parse_variant(variant_spec(v), back), "");
    EXPECT_EQ(back, v);

    // The untimed one is a setting from the start; the timed one a timeline entry, after
    // every entry due at or before it.
    Scenario base = base_scenario();
    base.timeline = {{from_s(1), "B.failure_rate", 0.5}, {from_s(4), "B.failure_rate", 0.0}};
    Scenario sc;
    ASSERT_EQ(variant_scenario(base, v, sc), "");
    EXPECT_EQ(sc.services[0].dependencies[0].timeout_ms, 200);
    ASSERT_EQ(sc.timeline.size(), 3u);
    EXPECT_EQ(sc.timeline[1].path, "A->B.retry.max_attempts");
    EXPECT_EQ(sc.timeline[1].at, 2500000);
    EXPECT_EQ(sc.timeline[2].at, from_s(4));

    Variant bad;
    EXPECT_NE(parse_variant("x:A->B.timeout_ms=5@soon", bad).find("seconds in [0, 10000000]"),
              std::string::npos);
    EXPECT_NE(parse_variant("x:A->B.timeout_ms=5@-1", bad).find("seconds"), std::string::npos);
    // A timed value is checked against the range like any other.
    Scenario out;
    EXPECT_NE(variant_scenario(base, variant("x:A->B.timeout_ms=-5@1"), out).find("at 1 s"),
              std::string::npos);
}

TEST(Compare, ExportedCompareReRunsAsItRan) {
    // World and protection changes made while the compare runs (as the app makes them): the
    // exported base and variants give every variant's files again, byte for byte.
    Compare live(base_scenario(), {variant("a"), variant("b:A->B.breaker.timeout_ms=2000")});
    live.advance_to(from_s(2));
    ASSERT_EQ(live.apply("B.failure_rate", 0.8), "");
    live.advance_to(from_s(3));
    ASSERT_EQ(live.apply("b", "A->B.breaker.timeout_ms", 500.0), "");
    live.advance_to(from_s(5));
    ASSERT_EQ(live.apply("B.failure_rate", 0.0), "");
    live.advance_to(from_s(9));
    const Scenario base = live.exported_base();
    EXPECT_EQ(base.duration_s, 9.0);
    EXPECT_EQ(base.timeline.size(), 2u);  // the world changes only
    ASSERT_EQ(live.exported_variants()[1].overrides.size(), 2u);
    EXPECT_EQ(live.exported_variants()[1].overrides[1].at, std::optional<SimTime>(from_s(3)));

    Compare again(base, live.exported_variants());
    again.advance_to(base.duration());
    for (std::size_t i = 0; i < live.size(); ++i)
        EXPECT_EQ(files_of(again.run(i)), files_of(live.run(i))) << live.variant(i).name;

    // The compare folder holds the same, and compare.toml names the exported variants.
    TempDir dir("cbsim_compare_export_test");
    const std::string out = (dir.path / "export").string();
    ASSERT_EQ(write_compare_folder(live, out), "");
    EXPECT_EQ(read(fs::path(out) / "b" / "events.csv"), events_csv(live.run(1)));
    const std::optional<CompareFile> file = load_compare_file(out + "/compare.toml");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->variants, live.exported_variants());
    EXPECT_EQ(load_scenario_file(out + "/scenario.toml"), base);
    const ScenarioOrCompare loaded = load_scenario_or_compare(out + "/compare.toml");
    EXPECT_EQ(loaded.variants, live.exported_variants());
    EXPECT_EQ(loaded.scenario, base);
    EXPECT_TRUE(load_scenario_or_compare(out + "/scenario.toml").variants.empty());
}

TEST(Compare, ProtectionOverridesRebuildAVariant) {
    const Scenario base = base_scenario();
    Scenario sc;
    ASSERT_EQ(variant_scenario(base,
                               variant("p:A->B.breaker.preset=polly,A->B.breaker.break_duration_ms="
                                       "7000,A->B.retry.max_attempts=2"),
                               sc),
              "");
    sc.find_service("B")->failure_rate = 0.9;  // a world difference is not an override
    const std::vector<Override> o = protection_overrides(sc, base);
    ASSERT_FALSE(o.empty());
    EXPECT_EQ(o.front().path, "A->B.retry.max_attempts");
    for (const Override& x : o)
        EXPECT_NE(x.path, "B.failure_rate");
    Scenario rebuilt;
    ASSERT_EQ(variant_scenario(base, Variant{"p", o}, rebuilt), "");
    for (const SettingSpec& spec : setting_specs(sc)) {
        if (setting_scope(sc, spec.path) == SettingScope::protection) {
            EXPECT_EQ(get_setting(rebuilt, spec.path), get_setting(sc, spec.path)) << spec.path;
        }
    }
    EXPECT_TRUE(protection_overrides(base, base).empty());
}

}  // namespace
}  // namespace cbsim
