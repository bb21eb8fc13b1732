// Small pieces of the app: typed-value clamping and export folder names.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app.hpp"
#include "help_text.hpp"
#include "widgets/setting_input.hpp"

namespace cbsim::gui {
namespace {

namespace fs = std::filesystem;

TEST(SettingInput, ClampsTypedValuesToTheSpec) {
    SettingSpec spec;
    spec.path = "B.failure_rate";
    spec.kind = ParamKind::real;
    spec.min = 0.0;
    spec.max = 1.0;
    bool clamped = false;
    EXPECT_DOUBLE_EQ(clamp_to_spec(spec, 0.5, clamped), 0.5);
    EXPECT_FALSE(clamped);
    EXPECT_DOUBLE_EQ(clamp_to_spec(spec, 7.0, clamped), 1.0);
    EXPECT_TRUE(clamped);
    EXPECT_DOUBLE_EQ(clamp_to_spec(spec, -1.0, clamped), 0.0);
    EXPECT_TRUE(clamped);
    spec.kind = ParamKind::integer;
    spec.max = 100;
    EXPECT_DOUBLE_EQ(clamp_to_spec(spec, 41.6, clamped), 42.0);
    EXPECT_TRUE(clamped);
    EXPECT_EQ(range_text(spec), "[0, 100]");
}

TEST(ExportPath, IsNamedAfterTheScenarioAndNeverReused) {
    const fs::path dir_path =
        fs::temp_directory_path() / ("cbsim_export_name_" + std::to_string(::getpid()));
    fs::create_directories(dir_path);
    const std::string a = default_export_path(dir_path.string(), "B fails/every 3rd");
    const std::string name = fs::path(a).filename().string();
    EXPECT_EQ(name.rfind("B-fails-every-3rd-", 0), 0u) << name;
    EXPECT_EQ(fs::path(a).parent_path(), dir_path);
    fs::create_directories(a);
    const std::string b = default_export_path(dir_path.string(), "B fails/every 3rd");
    EXPECT_NE(a, b);
    fs::remove_all(dir_path);
}

TEST(ExportPath, SaveAsSuggestsACleanFileName) {
    EXPECT_EQ(suggested_file_name("Cascade A -> B -> C", ""), "Cascade-A-B-C.toml");
    EXPECT_EQ(
        suggested_file_name("Cascade A -> B -> C", "/usr/share/cbsim/scenarios/cascade_abc.toml"),
        "cascade_abc.toml");
    EXPECT_EQ(suggested_file_name("new scenario", ""), "new-scenario.toml");
    EXPECT_EQ(suggested_file_name(" -> ", ""), "scenario.toml");
}

TEST(ExportPath, LongAndNonAsciiNamesAreCutOnACharacterBoundary) {
    EXPECT_EQ(file_stem("Überlast → B"), "Überlast-→-B");
    EXPECT_EQ(file_stem(std::string("a\xff\xc3"
                                    "b")),
              "a--b");  // invalid UTF-8 bytes
    EXPECT_EQ(file_stem(""), "run");
    std::string euros;  // 256 bytes of scenario name: "€" is 3 bytes
    for (int i = 0; i < 85; ++i)
        euros += "\xe2\x82\xac";
    euros += "x";
    const std::string stem = file_stem(euros);
    EXPECT_EQ(stem.size(), 96u);  // 32 whole characters
    EXPECT_EQ(stem.substr(93), "\xe2\x82\xac");
    const std::string cut = file_stem(std::string(95, 'a') + "\xe2\x82\xac");
    EXPECT_EQ(cut, std::string(95, 'a')) << "a character is never split";
    // The export and its PNG can be created under the longest stem.
    const fs::path dir_path =
        fs::temp_directory_path() / ("cbsim_export_long_" + std::to_string(::getpid()));
    fs::create_directories(dir_path);
    const std::string path = default_export_path(dir_path.string(), euros);
    EXPECT_TRUE(fs::create_directory(path + ".staging")) << path;
    EXPECT_TRUE(std::ofstream(fs::path(path + "-plots.png").parent_path() /
                              ("." + fs::path(path).filename().string() + "-plots.png.tmp-XXXXXX"))
                    .good());
    fs::remove_all(dir_path);
}

TEST(HelpText, DescribesTheLoadedScenario) {
    // The default scenario: A calls B behind gobreaker.
    Scenario s = default_scenario();
    ScenarioHelp help = describe_scenario(s, "");
    EXPECT_NE(help.topology.find("Clients call A."), std::string::npos) << help.topology;
    EXPECT_NE(help.topology.find("A calls B through a gobreaker breaker"), std::string::npos)
        << help.topology;
    EXPECT_EQ(help.edge, "A->B");
    EXPECT_NE(help.try_first.find("Drag service B's failure rate"), std::string::npos);

    // A chain of three: the sentences name its own services, and follow the focused edge.
    Service auth;
    auth.name = "auth";
    Dependency to_auth;
    to_auth.target = "auth";
    to_auth.breaker = s.services[0].dependencies[0].breaker;
    to_auth.breaker_scope = BreakerScope::shared;
    s.services.push_back(auth);
    s.services[1].dependencies.push_back(to_auth);  // B -> auth, shared breaker
    help = describe_scenario(s, "B->auth");
    EXPECT_NE(help.topology.find("B calls auth through a gobreaker breaker (one shared by every B "
                                 "instance)"),
              std::string::npos)
        << help.topology;
    EXPECT_EQ(help.edge, "B->auth");
    EXPECT_NE(help.try_first.find("Drag service auth's failure rate"), std::string::npos);
    EXPECT_EQ(help.try_first.find("service B's"), std::string::npos) << help.try_first;
    // A focused edge without a breaker falls back to the first that has one.
    s.services[0].dependencies[0].breaker.reset();
    help = describe_scenario(s, "A->B");
    EXPECT_NE(help.topology.find("A calls B (no breaker)"), std::string::npos);
    EXPECT_EQ(help.edge, "B->auth");

    // No breaker anywhere: how to add one; no dependency at all: what to open instead.
    s.services[1].dependencies[0].breaker.reset();
    help = describe_scenario(s, "");
    EXPECT_TRUE(help.edge.empty());
    EXPECT_NE(help.try_first.find("No dependency has a breaker yet"), std::string::npos);
    s.services[0].dependencies.clear();
    s.services[1].dependencies.clear();
    help = describe_scenario(s, "");
    EXPECT_NE(help.try_first.find("no dependency"), std::string::npos) << help.try_first;
}

TEST(HelpText, CountsCallersBeyondTheListedOnes) {
    Scenario s;
    s.traffic.target = "s0";
    for (int i = 0; i < 10; ++i) {
        Service svc;
        svc.name = "s";
        svc.name += std::to_string(i);
        if (i + 1 < 10) {
            Dependency d;
            d.target = "s";
            d.target += std::to_string(i + 1);
            svc.dependencies.push_back(d);
        }
        s.services.push_back(svc);
    }
    const ScenarioHelp help = describe_scenario(s, "");
    EXPECT_NE(help.topology.find("s5 calls s6"), std::string::npos) << help.topology;
    EXPECT_EQ(help.topology.find("s6 calls s7"), std::string::npos) << help.topology;
    EXPECT_NE(help.topology.find("3 more services call others"), std::string::npos)
        << help.topology;
}

}  // namespace
}  // namespace cbsim::gui
