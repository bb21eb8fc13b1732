// replay_bench.cpp: streaming trace replay. Goal (docs/PERFORMANCE.md): >= 20 M calls/s per
// config, decisions.csv text included.
//
//   replay/stream/<preset>[_durations]  one config: Replayer fed row by row, each final row
//                                       formatted as a decisions.csv row into a 256 KiB buffer
//                                       (emptied where DecisionsCsvStream writes it to its
//                                       file); items = calls
//   replay/engine/<preset>              the Replayer alone (decisions counted, not written)
//   replay/set/K                        ReplaySet of K configs (gobreaker, resilience4j,
//                                       polly, hystrix, ...) fed in batches of 4096 rows, every
//                                       config's rows formatted as above; items = calls x K
//   replay/parse                        CsvTraceSource over the trace's text; items = rows
//
// The trace: 1 M calls, one every 0.1 ms; 2 % failures, and every 100 000 calls a burst of 2000
// failures (the breakers open, probe and close). `_durations`: each call lasts 0 to 49 ms, so
// about 250 are in flight.
#include <benchmark/benchmark.h>

#include <cbsim/breaker_config.hpp>
#include <cbsim/replay.hpp>
#include <cbsim/replay_set.hpp>

#include <memory>
#include <sstream>

namespace {

using cbsim::Preset;

constexpr std::size_t kCalls = 1'000'000;
constexpr std::size_t kFlushBytes = 1 << 18;  // DecisionsCsvStream's write size

cbsim::Trace make_trace(bool durations) {
    cbsim::Trace t;
    t.has_duration = durations;
    t.rows.reserve(kCalls);
    for (std::size_t i = 0; i < kCalls; ++i) {
        cbsim::TraceRow r;
        r.at = static_cast<cbsim::SimTime>(i) * 100;
        const bool burst = i % 100'000 >= 50'000 && i % 100'000 < 52'000;
        r.outcome =
            burst || (i * 7919) % 50 == 0 ? cbsim::Outcome::failure : cbsim::Outcome::success;
        r.duration = durations ? cbsim::from_ms(static_cast<std::int64_t>((i * 13) % 50)) : 0;
        t.rows.push_back(r);
    }
    return t;
}

const cbsim::Trace& trace(bool durations) {
    static const cbsim::Trace plain = make_trace(false);
    static const cbsim::Trace timed = make_trace(true);
    return durations ? timed : plain;
}

void stream(benchmark::State& state, Preset preset, bool durations) {
    const cbsim::Trace& t = trace(durations);
    const cbsim::BreakerConfig config = cbsim::BreakerConfig::defaults(preset);
    std::string text;
    text.reserve(kFlushBytes + 256);
    std::size_t bytes = 0;
    for (auto _ : state) {
        const auto breaker = cbsim::make_breaker(config);
        cbsim::Replayer r(*breaker);
        const auto take = [&](const cbsim::ReplayedRow& x) {
            cbsim::append_decision_row(text, x.row, x.decision, t.has_duration, false);
            if (text.size() >= kFlushBytes) {  // where DecisionsCsvStream writes to its file
                bytes += text.size();
                benchmark::DoNotOptimize(text.data());
                text.clear();
            }
        };
        for (const cbsim::TraceRow& row : t.rows) {
            r.feed(row);
            r.drain(take);
        }
        r.finish();
        r.drain(take);
    }
    benchmark::DoNotOptimize(bytes);
    state.SetItemsProcessed(
        static_cast<std::int64_t>(static_cast<std::size_t>(state.iterations()) * t.rows.size()));
}

void engine(benchmark::State& state, Preset preset) {
    const cbsim::Trace& t = trace(false);
    const cbsim::BreakerConfig config = cbsim::BreakerConfig::defaults(preset);
    for (auto _ : state) {
        const auto breaker = cbsim::make_breaker(config);
        cbsim::Replayer r(*breaker);
        std::size_t allowed = 0;
        const auto take = [&allowed](const cbsim::ReplayedRow& x) {
            allowed += x.decision.allowed ? 1 : 0;
        };
        for (const cbsim::TraceRow& row : t.rows) {
            r.feed(row);
            r.drain(take);
        }
        r.finish();
        r.drain(take);
        benchmark::DoNotOptimize(allowed);
    }
    state.SetItemsProcessed(
        static_cast<std::int64_t>(static_cast<std::size_t>(state.iterations()) * t.rows.size()));
}

BENCHMARK_CAPTURE(stream, gobreaker, Preset::gobreaker, false)->Name("replay/stream/gobreaker");
BENCHMARK_CAPTURE(stream, gobreaker_durations, Preset::gobreaker, true)
    ->Name("replay/stream/gobreaker_durations");
BENCHMARK_CAPTURE(stream, resilience4j, Preset::resilience4j, false)
    ->Name("replay/stream/resilience4j");
BENCHMARK_CAPTURE(stream, cockatiel_durations, Preset::cockatiel, true)
    ->Name("replay/stream/cockatiel_durations");
BENCHMARK_CAPTURE(engine, gobreaker, Preset::gobreaker)->Name("replay/engine/gobreaker");

/// Formats every config's rows into a buffer emptied every 256 KiB (as `stream`).
struct TextSink : cbsim::ReplaySetSink {
    std::vector<std::string> texts;
    std::size_t bytes = 0;
    bool decision(std::size_t config, const cbsim::ReplayedRow& row) override {
        std::string& text = texts[config];
        cbsim::append_decision_row(text, row.row, row.decision, false, false);
        if (text.size() >= kFlushBytes) {
            bytes += text.size();
            benchmark::DoNotOptimize(text.data());
            text.clear();
        }
        return true;
    }
    bool burst(std::size_t, const cbsim::BurstRecord&) override { return true; }
};

void set(benchmark::State& state) {
    const cbsim::Trace& t = trace(false);
    const Preset presets[] = {Preset::gobreaker, Preset::resilience4j, Preset::polly,
                              Preset::hystrix,   Preset::opossum,      Preset::cockatiel};
    std::vector<cbsim::NamedConfig> configs;
    for (std::int64_t i = 0; i < state.range(0); ++i) {
        std::string name = "c";  // appended: GCC 12 warns -Wrestrict on "c" + std::string
        name += std::to_string(i);
        configs.push_back(
            {name, cbsim::BreakerConfig::defaults(presets[static_cast<std::size_t>(i) % 6])});
    }
    for (auto _ : state) {
        cbsim::ReplaySet s(configs);
        TextSink sink;
        sink.texts.resize(configs.size());
        const std::span<const cbsim::TraceRow> rows(t.rows);
        for (std::size_t i = 0; i < rows.size(); i += 4096)
            s.feed(rows.subspan(i, std::min<std::size_t>(4096, rows.size() - i)), sink);
        s.finish(sink);
        benchmark::DoNotOptimize(sink.bytes);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(static_cast<std::size_t>(state.iterations()) *
                                                      t.rows.size() * configs.size()));
}
BENCHMARK(set)->Name("replay/set")->Arg(1)->Arg(4);

void parse(benchmark::State& state) {
    const cbsim::Trace& t = trace(true);
    const std::string text = [&t] {
        std::string out = "t_ms,outcome,duration_ms\n";
        for (const cbsim::TraceRow& r : t.rows) {
            cbsim::append_ms(out, r.at);
            out += ',';
            out += cbsim::to_string(r.outcome);
            out += ',';
            cbsim::append_ms(out, r.duration);
            out += '\n';
        }
        return out;
    }();
    for (auto _ : state) {
        std::istringstream in(text);
        cbsim::CsvTraceSource source(in, "bench.csv");
        cbsim::TraceRow row;
        std::size_t n = 0;
        while (source.next(row))
            ++n;
        benchmark::DoNotOptimize(n);
    }
    state.SetItemsProcessed(
        static_cast<std::int64_t>(static_cast<std::size_t>(state.iterations()) * t.rows.size()));
    state.SetBytesProcessed(
        static_cast<std::int64_t>(static_cast<std::size_t>(state.iterations()) * text.size()));
}
BENCHMARK(parse)->Name("replay/parse");

}  // namespace
