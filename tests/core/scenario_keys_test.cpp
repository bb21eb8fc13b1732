// The key table (scenario_keys.hpp): every row is consistent with the scenario structs, and the
// reader, writer, settable paths and checks all follow it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cbsim/scenario.hpp"
#include "cbsim/scenario_io.hpp"
#include "cbsim/scenario_keys.hpp"

namespace cbsim {
namespace {

using ::testing::HasSubstr;

/// One object of each table, to read and write keys on.
struct Objects {
    Scenario scenario = default_scenario();
    void* of(KeyTable t) {
        switch (object_table(t)) {
            case KeyTable::top:
                return &scenario;
            case KeyTable::traffic:
                return &scenario.traffic;
            case KeyTable::service:
                return &scenario.services[1];
            default:
                return &scenario.services[0].dependencies[0];
        }
    }
};

TEST(ScenarioKeys, NamesAndPathsAreUniqueAndAccessorsMatchTheType) {
    std::set<std::string> names, paths;
    for (const ScenarioKey& k : scenario_keys()) {
        EXPECT_TRUE(names.insert(std::string(toml_table_name(k.table)) + "." + k.name).second)
            << k.name;
        if (k.settable()) {
            EXPECT_TRUE(
                paths.insert(std::to_string(static_cast<int>(object_table(k.table))) + k.path)
                    .second)
                << k.path;
            EXPECT_TRUE(k.numeric()) << k.path << ": only numbers and choices are settable";
            EXPECT_STRNE(k.label, "") << k.path;
            EXPECT_STRNE(k.help, "") << k.path;
        }
        EXPECT_EQ(k.get != nullptr, k.numeric()) << k.name;
        EXPECT_EQ(k.set != nullptr, k.numeric()) << k.name;
        EXPECT_EQ(k.get_text != nullptr, k.type == KeyType::string) << k.name;
        if (k.type == KeyType::choice) {
            EXPECT_FALSE(k.choices.empty()) << k.name;
        }
        EXPECT_EQ(find_key(k.table, k.name), &k);
    }
}

TEST(ScenarioKeys, EverySettableKeyIsAPathWithTheTablesRangeAndText) {
    Objects o;
    for (const ScenarioKey& k : scenario_keys()) {
        if (!k.settable()) continue;
        std::string prefix = "traffic.";
        if (object_table(k.table) == KeyTable::service) prefix = "B.";
        if (object_table(k.table) == KeyTable::dependency) prefix = "A->B.";
        const auto spec = find_setting(o.scenario, prefix + k.path);
        ASSERT_TRUE(spec) << prefix << k.path;
        EXPECT_EQ(spec->kind, k.kind());
        EXPECT_EQ(spec->label, k.label);
        EXPECT_EQ(spec->help, k.help);
        EXPECT_EQ(spec->unit, k.unit);
        if (k.at_least == nullptr && k.at_most == nullptr && k.numeric() &&
            k.type != KeyType::choice) {
            // Bound keys narrow their range to the other value; the others keep the table's.
            bool bound = false;
            for (const ScenarioKey& r : scenario_keys()) {
                bound = bound || (r.at_least && std::string_view(r.at_least) == k.path) ||
                        (r.at_most && std::string_view(r.at_most) == k.path);
            }
            if (!bound) {
                EXPECT_EQ(spec->min, k.min) << k.path;
                EXPECT_EQ(spec->max, k.max) << k.path;
            }
        }
        // get_setting reads through the accessor; apply_setting writes through it.
        const double now = k.get(o.of(k.table));
        const auto value = get_setting(o.scenario, prefix + k.path);
        ASSERT_TRUE(value);
        if (k.type == KeyType::choice) {
            EXPECT_EQ(std::get<std::string>(*value), k.choices[static_cast<std::size_t>(now)]);
        } else {
            EXPECT_EQ(std::get<double>(*value), now);
        }
        EXPECT_EQ(apply_setting(o.scenario, prefix + k.path, spec->max), "") << k.path;
        EXPECT_EQ(k.get(o.of(k.table)), spec->max) << k.path;
    }
}

TEST(ScenarioKeys, DefaultsAreInRangeAndSavedFilesHaveEveryKey) {
    Objects o;
    const std::string text = scenario_to_toml(o.scenario);
    for (const ScenarioKey& k : scenario_keys()) {
        if (k.numeric()) {
            const Scenario plain;
            const Service service;
            const Dependency dependency;
            const void* object = &plain;
            if (object_table(k.table) == KeyTable::traffic) object = &plain.traffic;
            if (object_table(k.table) == KeyTable::service) object = &service;
            if (object_table(k.table) == KeyTable::dependency) object = &dependency;
            const double v = k.get(object);
            EXPECT_GE(v, k.min) << k.name;
            EXPECT_LE(v, k.max) << k.name;
        }
        // Plain keys are written as `name = value`; subtables and arrays have their own form.
        if (k.table == KeyTable::latency || k.type == KeyType::table || k.type == KeyType::tables)
            continue;
        std::string line(1, '\n');
        line += k.name;
        line += " = ";
        EXPECT_THAT(text, HasSubstr(line)) << k.name;
    }
}

TEST(ScenarioKeys, UnknownKeysListTheTablesKeys) {
    try {
        parse_scenario_toml("[[service]]\nname = \"A\"\nfaulty = 1\n", "t.toml");
        FAIL() << "no error";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("faulty_instances"));
        EXPECT_THAT(e.what(), HasSubstr("service[0].faulty"));
    }
}

}  // namespace
}  // namespace cbsim
