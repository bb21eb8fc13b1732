// cbsim/simulator.hpp: the discrete-event kernel.
//
// A Simulator instance (no globals) owns the clock and a queue of small POD events keyed by
// (time, sequence): events run in time order, equal times in the order they were scheduled.
// The queue is a bucket wheel for the next ~262 ms (256 us buckets of up to 8 events, each
// sorted when the clock reaches it) plus a 4-ary heap for events further ahead or in a full
// bucket; the earlier of the two fronts runs. Beside them, the lane holds one more event for a
// model that always has exactly one pending (the traffic's next arrival), with no slot or queue
// entry; it takes its sequence number like any other, so the order is the same. A bit per
// bucket finds the next occupied one.
// Cancelling is lazy: the event's slot is marked dead (a tombstone) and skipped when it reaches
// the front. Event slots, buckets and heap storage are reused, so a steady run allocates
// nothing per event. The kernel knows nothing of models: an event is (handler, kind, payload) and
// the handler interprets kind and payload.
//
//   Simulator sim;
//   sim.schedule_in(from_ms(5), &model, kArrive, job_index);
//   sim.run_until(from_s(1));   // runs every event before t = 1 s, then now() == 1 s
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "cbsim/time.hpp"

namespace cbsim {

/// Receives events. `payload` is whatever the scheduler passed (an index, a packed handle).
class EventHandler {
  public:
    virtual ~EventHandler() = default;
    virtual void on_event(std::uint32_t kind, std::uint64_t payload) = 0;
};

/// Names a scheduled event for cancel(). A default EventId names nothing.
struct EventId {
    std::uint32_t slot = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t generation = 0;
    bool valid() const { return slot != std::numeric_limits<std::uint32_t>::max(); }
};

class Simulator {
  public:
    /// `reserve`: pending events to make room for up front.
    explicit Simulator(std::size_t reserve = 1024);

    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;

    SimTime now() const { return now_; }

    /// Schedules an event at absolute time `at` (clamped to now() if earlier). Inline: models
    /// schedule an event or two per call, and the common case (a later bucket of the wheel)
    /// is a few stores.
    EventId schedule_at(SimTime at, EventHandler* handler, std::uint32_t kind,
                        std::uint64_t payload = 0) {
        return schedule_from_now(at < now_ ? now_ : at, handler, kind, payload);
    }
    /// Schedules an event `delay` after now() (negative delays count as 0).
    EventId schedule_in(SimTime delay, EventHandler* handler, std::uint32_t kind,
                        std::uint64_t payload = 0) {
        return schedule_from_now(now_ + (delay > 0 ? delay : 0), handler, kind, payload);
    }

    /// Cancels a pending event. Returns false if it already ran, was cancelled, or never was.
    bool cancel(EventId id);

    /// The lane: one event kept beside the queue, for a model that always has exactly one
    /// next event pending (the traffic's next arrival). It is ordered like any scheduled event
    /// (it takes a sequence number when set), but it costs no slot and no queue entry.
    /// Setting it replaces the lane's pending event, if any (clamped to now() like
    /// schedule_at); the event leaves the lane when it runs.
    void set_lane(SimTime at, EventHandler* handler, std::uint32_t kind,
                  std::uint64_t payload = 0) {
        lane_ = Entry{at < now_ ? now_ : at, seq_++, 0};
        lane_handler_ = handler;
        lane_kind_ = kind;
        lane_payload_ = payload;
        live_ += lane_live_ ? 0 : 1;
        lane_live_ = true;
    }
    /// Removes the lane's pending event. Returns false if there was none.
    bool clear_lane() {
        if (!lane_live_) return false;
        lane_live_ = false;
        --live_;
        return true;
    }

    /// Runs every event with time < t in (time, sequence) order, firing period boundaries on
    /// the way, then sets the clock to t (if t > now()). Events at exactly t stay pending, so
    /// a change made at now() == t comes before them, as a timeline entry at t does.
    void run_until(SimTime t);

    /// Runs the next live event (and the boundaries before it). Returns false if none is
    /// pending.
    bool step();

    /// Time of the next live event, or INT64_MAX if none.
    SimTime next_time();

    /// Live (not cancelled) pending events.
    std::size_t pending() const { return live_; }
    /// Events run so far (tombstones not counted).
    std::uint64_t processed() const { return processed_; }

    /// Calls `handler->on_event(kind, B)` for every boundary B = k * period (k >= 1), with
    /// now() == B, after every event before B and before any event at or after B. Recorders
    /// close their time buckets here. One hook per simulator; period <= 0 removes it.
    void set_period_hook(SimTime period, EventHandler* handler, std::uint32_t kind);

  private:
    /// schedule_at without the clamp: `at` >= now() already.
    EventId schedule_from_now(SimTime at, EventHandler* handler, std::uint32_t kind,
                              std::uint64_t payload) {
        if (free_head_ == kNoSlot) add_slot();
        const std::uint32_t slot = free_head_;
        Slot& s = slots_[slot];
        free_head_ = static_cast<std::uint32_t>(s.payload);
        s.handler = handler;
        s.payload = payload;
        s.kind = kind;
        s.live = true;
        ++live_;
        const Entry e{at, seq_++, slot};
        if (in_wheel_ == 0) cur_ = now_ >> kBucketShift;  // an empty wheel follows the clock
        const std::int64_t b = at >> kBucketShift;
        const auto ahead = static_cast<std::uint64_t>(b - cur_);  // huge when b < cur_
        const auto w = static_cast<std::size_t>(b) & (kWheel - 1);
        if (ahead - 1 < kWheel - 1 && fill_[w] < kBucketCap) {  // a later bucket: unsorted
            wheel_[w * kBucketCap + fill_[w]++] = e;
            occupied_[w >> 6] |= std::uint64_t{1} << (w & 63);
            ++in_wheel_;
        } else {
            insert_slow(e, ahead);
        }
        return EventId{slot, s.generation};
    }

    __extension__ typedef unsigned __int128 Key;  // GCC/Clang builtin; ISO C++ has none

    struct Entry {     // queue entry: 24 bytes
        SimTime time;  // >= 0: the clock starts at 0 and never goes back
        std::uint64_t seq;
        std::uint32_t slot;
    };
    struct Slot {
        EventHandler* handler;
        std::uint64_t payload;
        std::uint32_t kind;
        std::uint32_t generation;
        bool live;
    };
    /// (time, seq) as one unsigned 128-bit number: one branch-free comparison instead of two
    /// dependent ones.
    static Key key(const Entry& e) {
        return (static_cast<Key>(static_cast<std::uint64_t>(e.time)) << 64) | e.seq;
    }
    static bool earlier(const Entry& a, const Entry& b) { return key(a) < key(b); }

    // The wheel: bucket number b = time >> kBucketShift lives in wheel slot b % kWheel while
    // cur_ <= b < cur_ + kWheel, holding up to kBucketCap entries in one flat array (only the
    // buckets near the clock are touched, and they stay in cache). Bucket cur_ is sorted from
    // head_ on; later buckets are unsorted until the clock reaches them. Events outside the
    // window, or finding their bucket full, go to the heap. The window holds the service times
    // of typical calls, tails included (a 20/80 ms lognormal leaves it once in 10^5 calls; with
    // a 65 ms window, 2.4 % of them went through the heap and a run took 7 % longer).
    static constexpr int kBucketShift = 8;        // 256 us per bucket
    static constexpr std::size_t kWheel = 1024;   // about 262 ms ahead
    static constexpr std::size_t kBucketCap = 8;  // entries per bucket

    void add_slot();  // a new free slot (the free list is empty)
    void insert_slow(const Entry& e, std::uint64_t ahead);  // bucket cur_ (sorted) or heap
    const Entry* front();  // earliest entry, live or not; nullptr when none; sets front_in_heap_
    void remove_front();   // removes what front() returned
    void remove_wheel_front();
    // Bucket cur_ is used up: moves to the next occupied one, sorts it and returns its slot.
    std::size_t advance_wheel();
    void heap_push(const Entry& e);
    void heap_remove_top();
    void drop_dead_front();
    void run_slot(std::uint32_t slot, SimTime at);  // runs a live event already removed
    void run_lane();                                // runs the lane's event
    void fire_boundaries_before(SimTime t);         // boundaries B <= t
    void release(std::uint32_t slot);

    SimTime now_ = 0;
    std::uint64_t seq_ = 0;
    std::uint64_t processed_ = 0;
    std::size_t live_ = 0;
    std::vector<Entry> wheel_;                 // kWheel * kBucketCap entries
    std::array<std::uint8_t, kWheel> fill_{};  // entries per bucket
    // A bit per bucket with fill_ > 0: the next occupied bucket is a count-trailing-zeros away.
    std::array<std::uint64_t, kWheel / 64> occupied_{};
    std::int64_t cur_ = 0;      // bucket number of the wheel's front
    std::size_t head_ = 0;      // next entry of bucket cur_
    std::size_t in_wheel_ = 0;  // entries in the wheel (tombstones too)
    bool front_in_heap_ = false;
    std::vector<Entry> heap_;  // events outside the wheel's window or finding their bucket full
    std::vector<Slot> slots_;
    // Free slots form a LIFO list threaded through Slot::payload (no separate vector to grow).
    static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t free_head_ = kNoSlot;
    Entry lane_{};  // the lane's event while lane_live_ (slot unused)
    bool lane_live_ = false;
    EventHandler* lane_handler_ = nullptr;
    std::uint32_t lane_kind_ = 0;
    std::uint64_t lane_payload_ = 0;
    SimTime period_ = 0;
    SimTime next_boundary_ = std::numeric_limits<SimTime>::max();
    EventHandler* period_handler_ = nullptr;
    std::uint32_t period_kind_ = 0;
};

}  // namespace cbsim
