// replay.cpp: trace parsing (whole or in chunks), the replay engine and decisions.csv.
//
// [SECTION] Parsing
// [SECTION] Sources
// [SECTION] Replay
// [SECTION] Output
#include "cbsim/replay.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>

#include "cbsim/atomic_file.hpp"
#include "cbsim/error.hpp"
#include "cbsim/text.hpp"

namespace cbsim {

// [SECTION] Parsing ----------------------------------------------------------------------------

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

constexpr SimTime kMaxMs = 1'000'000'000'000;  // about 31 years

/// A non-negative millisecond number with at most 3 decimals, as SimTime; false if invalid.
bool parse_ms(std::string_view s, SimTime& out) {
    if (s.empty()) return false;
    SimTime whole = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        whole = whole * 10 + (s[i] - '0');
        if (whole > kMaxMs) return false;
    }
    if (i == 0) return false;
    SimTime micros = 0;
    if (i < s.size()) {
        if (s[i] != '.') return false;
        ++i;
        int digits = 0;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
            if (digits == 3) return false;
            micros = micros * 10 + (s[i] - '0');
        }
        if (digits == 0 || i != s.size()) return false;
        for (; digits < 3; ++digits)
            micros *= 10;
    }
    out = whole * kMillisecond + micros;
    return true;
}

bool parse_outcome(std::string_view s, Outcome& out) {
    for (Outcome o : {Outcome::success, Outcome::failure, Outcome::timeout, Outcome::ignored}) {
        if (s == to_string(o)) {
            out = o;
            return true;
        }
    }
    return false;
}

/// The fields of a line: the first three, and how many there are.
struct Fields {
    std::string_view f[3];
    std::size_t count = 0;
};

Fields split(std::string_view line) {
    Fields out;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        if (out.count < 3) out.f[out.count] = trim(line.substr(start, comma - start));
        ++out.count;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

}  // namespace

/// The rules of a trace's lines, fed one line (without its '\n') at a time.
struct CsvTraceSource::Parser {
    std::string file;
    int line_no = 0;
    bool header_seen = false;
    bool has_duration = false;
    bool any_row = false;
    SimTime last_at = 0;

    /// True when `raw` is a row (then in `row`); throws ConfigError for a bad line.
    bool line(std::string_view raw, TraceRow& row) {
        ++line_no;
        // A UTF-8 byte order mark (spreadsheets write one) is not part of the header.
        if (line_no == 1 && raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);
        const std::string_view text = trim(raw);
        if (text.empty()) return false;
        const Fields fields = split(text);
        if (!header_seen) {
            header_seen = true;
            const bool two = fields.count == 2 && fields.f[0] == "t_ms" && fields.f[1] == "outcome";
            const bool three = fields.count == 3 && fields.f[0] == "t_ms" &&
                               fields.f[1] == "outcome" && fields.f[2] == "duration_ms";
            if (!two && !three) {
                throw ConfigError(file, line_no, "header",
                                  "expected the header 't_ms,outcome' or "
                                  "'t_ms,outcome,duration_ms', got '" +
                                      printable(text) + "'");
            }
            has_duration = three;
            return false;
        }
        const std::size_t want = has_duration ? 3 : 2;
        if (fields.count != want) {
            throw ConfigError(file, line_no, "",
                              "expected " + std::to_string(want) + " fields, got " +
                                  std::to_string(fields.count));
        }
        row = TraceRow{};
        row.line = line_no;
        if (!parse_ms(fields.f[0], row.at)) {
            throw ConfigError(file, line_no, "t_ms",
                              "'" + printable(fields.f[0]) +
                                  "' is not a time; expected milliseconds >= 0 with at most 3 "
                                  "decimals");
        }
        if (any_row && row.at < last_at) {
            throw ConfigError(file, line_no, "t_ms",
                              printable(fields.f[0]) + " is before the previous row's " +
                                  format_ms(last_at) + "; times must not decrease");
        }
        if (!parse_outcome(fields.f[1], row.outcome)) {
            throw ConfigError(file, line_no, "outcome",
                              "'" + printable(fields.f[1]) +
                                  "' is not an outcome; one of: success, failure, timeout, "
                                  "ignored");
        }
        if (has_duration && !parse_ms(fields.f[2], row.duration)) {
            throw ConfigError(file, line_no, "duration_ms",
                              "'" + printable(fields.f[2]) +
                                  "' is not a duration; expected milliseconds >= 0 with at most "
                                  "3 decimals");
        }
        any_row = true;
        last_at = row.at;
        return true;
    }

    /// The end of the text: a trace without a header is refused.
    void end() const {
        if (!header_seen) {
            throw ConfigError(file, 1, "header",
                              "empty trace; expected the header 't_ms,outcome' or "
                              "'t_ms,outcome,duration_ms'");
        }
    }
};

Trace parse_trace(std::string_view text, const std::string& file) {
    Trace trace;
    CsvTraceSource::Parser parser;
    parser.file = file;
    std::size_t pos = 0;
    while (true) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        TraceRow row;
        if (parser.line(text.substr(pos, end - pos), row)) trace.rows.push_back(row);
        if (end == text.size()) break;
        pos = end + 1;
    }
    parser.end();
    trace.has_duration = parser.has_duration;
    return trace;
}

namespace {

/// Opens `path` for reading with load_trace's messages.
std::unique_ptr<std::ifstream> open_trace(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ConfigError(path, 0, "", "cannot read the file: it is a directory");
    auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*in) {
        throw ConfigError(path, 0, "",
                          std::string("cannot read the file: ") + std::strerror(errno));
    }
    return in;
}

}  // namespace

Trace load_trace(const std::string& path) {
    const auto in = open_trace(path);
    std::string text;
    char buf[1 << 16];
    while (in->read(buf, sizeof buf) || in->gcount() > 0)
        text.append(buf, static_cast<std::size_t>(in->gcount()));
    if (in->bad()) throw ConfigError(path, 0, "", "cannot read the file: read error");
    return parse_trace(text, path);
}

// [SECTION] Sources ----------------------------------------------------------------------------

bool TraceRowsSource::next(TraceRow& row) {
    if (next_ >= trace_.rows.size()) return false;
    row = trace_.rows[next_++];
    return true;
}

CsvTraceSource::CsvTraceSource(const std::string& path, std::size_t chunk_bytes)
    : own_(open_trace(path)),
      in_(own_.get()),
      parser_(std::make_unique<Parser>()),
      chunk_(std::max<std::size_t>(chunk_bytes, 1)) {
    parser_->file = path;
    init();
}

CsvTraceSource::CsvTraceSource(std::istream& in, std::string file, std::size_t chunk_bytes)
    : in_(&in), parser_(std::make_unique<Parser>()), chunk_(std::max<std::size_t>(chunk_bytes, 1)) {
    parser_->file = std::move(file);
    init();
}

CsvTraceSource::~CsvTraceSource() = default;

void CsvTraceSource::init() {
    // Up to the header: has_duration() is known before the first row.
    std::string_view line;
    TraceRow row;
    while (!parser_->header_seen) {
        if (!next_line(line)) {
            parser_->end();
            return;
        }
        parser_->line(line, row);
    }
}

bool CsvTraceSource::has_duration() const {
    return parser_->has_duration;
}

bool CsvTraceSource::next_line(std::string_view& line) {
    while (true) {
        if (pos_ > buffer_.size()) return false;  // the last line was returned
        const char* data = buffer_.data() + pos_;
        const std::size_t left = buffer_.size() - pos_;
        if (const void* nl = left > 0 ? std::memchr(data, '\n', left) : nullptr) {
            const std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nl) - data);
            line = std::string_view(data, n);
            pos_ += n + 1;
            return true;
        }
        if (eof_) {
            // The text after the last '\n' is one more line (parse_trace's rule), once.
            line = std::string_view(data, left);
            pos_ = buffer_.size() + 1;
            return true;
        }
        buffer_.erase(0, pos_);
        pos_ = 0;
        const std::size_t had = buffer_.size();
        buffer_.resize(had + chunk_);
        in_->read(buffer_.data() + had, static_cast<std::streamsize>(chunk_));
        buffer_.resize(had + static_cast<std::size_t>(in_->gcount()));
        if (in_->bad()) throw ConfigError(parser_->file, 0, "", "cannot read the file: read error");
        if (!*in_) eof_ = true;
    }
}

bool CsvTraceSource::next(TraceRow& row) {
    std::string_view line;
    while (next_line(line)) {
        if (parser_->line(line, row)) return true;
    }
    return false;
}

// [SECTION] Replay -----------------------------------------------------------------------------

Replayer::Replayer(Breaker& breaker)
    : breaker_(breaker),
      outer_(breaker.transition_sink()),
      ring_(1024),
      mask_(1023),
      call_timeout_(breaker.call_timeout()) {
    // The caller's own sink (if any) still sees every transition.
    breaker_.set_transition_sink([this](const Transition& t) {
        ++transitions_;
        due_known_ = false;  // a transition may arm or cancel a timer
        if (outer_) outer_(t);
    });
}

Replayer::~Replayer() {
    breaker_.set_transition_sink(outer_);
}

void Replayer::grow() {
    std::vector<Slot> bigger(ring_.size() * 2);
    const std::uint64_t mask = bigger.size() - 1;
    for (std::uint64_t i = head_; i < tail_; ++i)
        bigger[i & mask] = ring_[i & mask_];
    ring_.swap(bigger);
    mask_ = mask;
}

void Replayer::mark_final(std::uint64_t row) {
    slot(row).final = true;
    while (head_ + ready_ < tail_ && slot(head_ + ready_).final)
        ++ready_;
}

void Replayer::pop() {
    ++head_;
    --ready_;
}

void Replayer::push_pending(const Pending& p) {
    pending_.push_back(p);
    std::push_heap(pending_.begin(), pending_.end(), std::greater<>());
}

Replayer::Pending Replayer::pop_pending() {
    std::pop_heap(pending_.begin(), pending_.end(), std::greater<>());
    const Pending p = pending_.back();
    pending_.pop_back();
    return p;
}

// The breaker's next timed transition changes only at a transition (breaker.hpp), so it is
// asked again only after one, or after a timer fired.
std::optional<SimTime> Replayer::next_due() {
    if (!due_known_) {
        due_ = breaker_.next_timed_transition();
        due_known_ = true;
    }
    return due_;
}

// Asks for `row` at t; an admitted call is queued to complete at t + its duration, cut by the
// preset's own call timeout when it lasts as long or longer.
void Replayer::admit(std::uint64_t row, SimTime t, bool arriving) {
    Slot& s = slot(row);
    Decision& d = s.out.decision;
    const Admission a = breaker_.acquire(t);
    if (a.waits()) {
        d.waited = true;
        waiting_.push_back(row);
        return;
    }
    d.allowed = a.allowed();
    d.rejection = a.rejection;
    if (d.waited) d.released_at = t;
    if (!a.allowed()) {
        d.state = breaker_.state(t);
        d.state_at = t;
        mark_final(row);
        return;
    }
    const SimTime limit = call_timeout_;
    const bool cut = limit > 0 && s.out.row.duration >= limit;
    const SimTime duration = cut ? limit : s.out.row.duration;
    const Pending p{
        t + duration, starts_++, row, a.permit, cut ? Outcome::timeout : s.out.row.outcome,
        duration};
    // An arriving call without duration completes at once: everything due at or before t
    // was completed before it asked, so it would be the first of the queue, and it completes
    // first unless a timer is due before t (complete_until's first step, without the queue).
    if (arriving && duration == 0) {
        if (const std::optional<SimTime> due = next_due(); !due || t <= *due) {
            const std::uint64_t seen = transitions_;
            complete(p);
            if (!waiting_.empty() && transitions_ != seen) release(t);
            return;
        }
    }
    push_pending(p);
}

// The held rows ask again at t, in the order they first asked.
void Replayer::release(SimTime t) {
    released_.clear();
    released_.swap(waiting_);
    for (const std::uint64_t w : released_)
        admit(w, t, false);
}

void Replayer::complete(const Pending& p) {
    breaker_.record(p.permit, p.outcome, p.duration, p.end);
    Decision& d = slot(p.row).out.decision;
    d.state = breaker_.state(p.end);
    d.state_at = p.end;
    now_ = std::max(now_, p.end);
    mark_final(p.row);
}

// Every completion and timed transition at or before t, in time order; at one instant the
// completions come first (their calls were admitted before the timer was armed). After a
// transition the held rows ask again at once, in order (before anything else at that
// instant); a released call without a duration completes in the same loop.
void Replayer::complete_until(SimTime t) {
    while (true) {
        const std::optional<SimTime> due = next_due();
        const bool completion = !pending_.empty() && pending_.front().end <= t &&
                                (!due || pending_.front().end <= *due);
        const std::uint64_t seen = transitions_;
        SimTime at = 0;
        if (completion) {
            const Pending p = pop_pending();
            complete(p);
            at = p.end;
        } else {
            if (!due || *due > t) return;
            breaker_.fire_timers(*due);
            due_known_ = false;
            at = *due;
            now_ = std::max(now_, at);
        }
        if (!waiting_.empty() && transitions_ != seen) release(at);
    }
}

void Replayer::feed(const TraceRow& row) {
    if (finished_) throw std::logic_error("Replayer::feed after finish");
    if (row.at < last_at_) throw std::invalid_argument("trace rows must not go back in time");
    last_at_ = row.at;
    if (tail_ - head_ == ring_.size()) grow();
    const std::uint64_t i = tail_++;
    Slot& s = slot(i);
    s.out.row = row;
    s.out.decision = Decision{};
    s.final = false;
    max_buffered_ = std::max(max_buffered_, static_cast<std::size_t>(tail_ - head_));
    now_ = std::max(now_, row.at);
    complete_until(row.at);
    if (!waiting_.empty()) {  // time alone can bring a transition (extras.probe_timeout_ms)
        const std::uint64_t seen = transitions_;
        breaker_.state(row.at);
        if (transitions_ != seen) {
            release(row.at);
            complete_until(row.at);
        }
    }
    admit(i, row.at, true);
    if (row.duration == 0) complete_until(row.at);  // completes at once
}

void Replayer::finish() {
    if (finished_) return;
    finished_ = true;
    while (!pending_.empty())
        complete_until(pending_.front().end);
    for (const std::uint64_t w : waiting_)  // still held: "waiting"
        mark_final(w);
    waiting_.clear();
}

std::vector<Decision> replay(Breaker& breaker, const Trace& trace) {
    std::vector<Decision> out;
    out.reserve(trace.rows.size());
    Replayer replayer(breaker);
    const auto take = [&out](const ReplayedRow& r) { out.push_back(r.decision); };
    for (const TraceRow& row : trace.rows) {
        replayer.feed(row);
        replayer.drain(take);
    }
    replayer.finish();
    replayer.drain(take);
    return out;
}

std::vector<Decision> replay(const BreakerConfig& config, const Trace& trace) {
    const auto breaker = make_breaker(config);
    return replay(*breaker, trace);
}

// [SECTION] Output -----------------------------------------------------------------------------

namespace {

/// Writes t as a millisecond number at p (at most 24 bytes); returns the end.
char* put_ms(char* p, SimTime t) {
    if (t < 0) {
        *p++ = '-';
        t = -t;
    }
    p = std::to_chars(p, p + 21, t / kMillisecond).ptr;
    const SimTime micros = t % kMillisecond;
    if (micros != 0) {
        *p++ = '.';
        *p++ = static_cast<char>('0' + micros / 100);
        *p++ = static_cast<char>('0' + micros / 10 % 10);
        *p++ = static_cast<char>('0' + micros % 10);
        while (p[-1] == '0')
            --p;
    }
    return p;
}

/// A name padded to 16 bytes, so it is copied with one fixed-size memcpy.
struct Name {
    char text[16] = {};
    std::size_t size = 0;
    explicit Name(const char* s) : size(std::min<std::size_t>(std::strlen(s), 15)) {
        std::memcpy(text, s, size);
    }
    Name() = default;
};

/// Copies the name at p (the buffer has 16 bytes there); returns the end of the name.
char* put(char* p, const Name& name) {
    std::memcpy(p, name.text, sizeof name.text);
    return p + name.size;
}

static_assert(static_cast<int>(Outcome::ignored) == 3 && static_cast<int>(State::metrics_only) == 5,
              "names<Outcome, 4> and names<State, 6> list every value");

/// The names of the enums' values, from their to_string() (built once).
template <typename E, std::size_t N>
const std::array<Name, N>& names() {
    static const std::array<Name, N> table = [] {
        std::array<Name, N> t;
        for (std::size_t i = 0; i < N; ++i)
            t[i] = Name(to_string(static_cast<E>(i)));
        return t;
    }();
    return table;
}

}  // namespace

void append_ms(std::string& out, SimTime t) {
    char buf[32];
    out.append(buf, put_ms(buf, t));
}

std::string format_ms(SimTime t) {
    std::string out;
    append_ms(out, t);
    return out;
}

namespace {

/// The decision column's values; decision_index() picks one.
constexpr const char* kDecisionNames[] = {"allowed",        "rejected",        "capacity",
                                          "waited_allowed", "waited_rejected", "waiting"};

std::size_t decision_index(const Decision& d) {
    if (d.waited && d.released_at < 0) return 5;  // still held at the end
    if (d.waited) return d.allowed ? 3 : 4;
    if (d.allowed) return 0;
    return d.rejection == Rejection::capacity ? 2 : 1;
}

/// kDecisionNames[decision_index(d)] as a padded Name.
const Name& decision_text(const Decision& d) {
    static const std::array<Name, 6> table = [] {
        std::array<Name, 6> t;
        for (std::size_t i = 0; i < t.size(); ++i)
            t[i] = Name(kDecisionNames[i]);
        return t;
    }();
    return table[decision_index(d)];
}

void append_header(std::string& out, bool has_duration, bool wide) {
    out += has_duration ? "t_ms,outcome,decision,state,duration_ms" : "t_ms,outcome,decision,state";
    out += wide ? ",released_ms\n" : "\n";
}

}  // namespace

void append_decision_row(std::string& out, const TraceRow& row, const Decision& d,
                         bool has_duration, bool wide) {
    // Names are at most 15 bytes (16 copied), times at most 24: the row fits in 160 bytes.
    char buf[160];
    char* p = put_ms(buf, row.at);
    *p++ = ',';
    p = put(p, names<Outcome, 4>()[static_cast<std::size_t>(row.outcome)]);
    *p++ = ',';
    p = put(p, decision_text(d));
    *p++ = ',';
    p = put(p, names<State, 6>()[static_cast<std::size_t>(d.state)]);
    if (has_duration) {
        *p++ = ',';
        p = put_ms(p, row.duration);
    }
    if (wide) {
        *p++ = ',';
        if (d.waited && d.released_at >= 0) p = put_ms(p, d.released_at);
    }
    *p++ = '\n';
    out.append(buf, p);
}

namespace {

/// The rows of a narrow decisions.csv with released_ms added: the header's name, the rows'
/// empty field. `header` says whether the next line is the header.
void widen_text(std::string_view in, std::string& out, bool& header) {
    std::size_t pos = 0;
    while (pos < in.size()) {
        const std::size_t nl = in.find('\n', pos);
        if (nl == std::string_view::npos) {
            out.append(in.substr(pos));
            return;
        }
        out.append(in.substr(pos, nl - pos));
        out += header ? ",released_ms\n" : ",\n";
        header = false;
        pos = nl + 1;
    }
}

constexpr std::size_t kFlushBytes = 1 << 18;

}  // namespace

std::string decisions_csv(const Trace& trace, const std::vector<Decision>& decisions) {
    const std::size_t n = std::min(trace.rows.size(), decisions.size());
    bool any_waited = false;
    for (std::size_t i = 0; i < n; ++i)
        any_waited = any_waited || decisions[i].waited;
    std::string out;
    append_header(out, trace.has_duration, any_waited);
    for (std::size_t i = 0; i < n; ++i)
        append_decision_row(out, trace.rows[i], decisions[i], trace.has_duration, any_waited);
    return out;
}

DecisionsCsvStream::DecisionsCsvStream(bool has_duration) : has_duration_(has_duration) {
    append_header(buffer_, has_duration_, false);
}

DecisionsCsvStream::DecisionsCsvStream(const std::string& path, bool has_duration)
    : path_(path), file_(std::make_unique<AtomicFileWriter>(path)), has_duration_(has_duration) {
    if (!file_->ok()) error_ = file_->error();
    append_header(buffer_, has_duration_, false);
}

DecisionsCsvStream::~DecisionsCsvStream() = default;

bool DecisionsCsvStream::flush() {
    if (!error_.empty()) return false;
    if (!file_) return true;
    if (!file_->write(buffer_)) {
        error_ = file_->error();
        return false;
    }
    buffer_.clear();
    return true;
}

bool DecisionsCsvStream::widen() {
    wide_ = true;
    bool header = true;
    if (file_) {
        // The rows written so far are copied once into a new temp file with the column added.
        if (!flush()) return false;
        auto wider = std::make_unique<AtomicFileWriter>(path_);
        std::ifstream old(file_->temp_path(), std::ios::binary);
        if (!old) {
            error_ = "cannot read back " + file_->temp_path() + ": " + std::strerror(errno);
            return false;
        }
        std::string chunk(kFlushBytes, '\0'), out;
        while (old.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) ||
               old.gcount() > 0) {
            out.clear();
            widen_text(std::string_view(chunk.data(), static_cast<std::size_t>(old.gcount())), out,
                       header);
            if (!wider->write(out)) {
                error_ = wider->error();
                return false;
            }
        }
        if (old.bad()) {
            error_ = "cannot read back " + file_->temp_path() + ": read error";
            return false;
        }
        file_ = std::move(wider);
        return true;
    }
    std::string out;
    out.reserve(buffer_.size() + buffer_.size() / 8);
    widen_text(buffer_, out, header);
    buffer_.swap(out);
    return true;
}

bool DecisionsCsvStream::add(const TraceRow& row, const Decision& decision) {
    if (!error_.empty()) return false;
    if (decision.waited && !wide_ && !widen()) return false;
    append_decision_row(buffer_, row, decision, has_duration_, wide_);
    if (file_ && buffer_.size() >= kFlushBytes) return flush();
    return true;
}

std::string DecisionsCsvStream::commit() {
    if (!flush()) return error_;
    if (!file_) return {};
    if (std::string e = file_->commit(); !e.empty()) error_ = e;
    return error_;
}

}  // namespace cbsim
