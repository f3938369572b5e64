// SPDX-License-Identifier: MIT
// Sink: where alerts go (terminal text, JSON Lines, Slack). Alerts arrive in input order.
//
// Delivery is a contract, not a side effect: a sink numbers the alerts it takes (0, 1, … in the
// order of add()), and flush() reports which of them it has confirmed as delivered. Only a sink
// that declares confirms_delivery() can make an alert count as delivered (the state marks it
// so); the driver decides which sinks confirm when it builds them, never by their position.
#pragma once

#include "trailwatch/alert.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

namespace trailwatch {

// What a sink could do with the alerts it took.
enum class SinkStatus {
  ok,     // everything taken so far went (or waits to go) where it should
  failed, // an alert could not be delivered; the sink has said why on stderr
  closed, // the reader went away (a closed pipe): the run ends quietly
};

// The worse of two statuses (closed > failed > ok).
SinkStatus worse(SinkStatus a, SinkStatus b);

// Receives a sink's confirmations as they happen, so the state can mark each alert delivered
// at once (a run killed half-way never posts a confirmed alert again).
class Receipts {
public:
  virtual ~Receipts() = default;
  // The alert numbered `number` (its position in the sink's add() order) was delivered.
  virtual void confirmed(std::uint64_t number) = 0;
};

// Receipts kept in a list.
class ReceiptList final : public Receipts {
public:
  void confirmed(std::uint64_t number) override { numbers.push_back(number); }
  std::vector<std::uint64_t> numbers;
};

class Sink {
public:
  virtual ~Sink() = default;
  // True when an alert this sink confirms counts as delivered.
  virtual bool confirms_delivery() const = 0;
  // Takes one alert. A sink may write it at once or hold it until flush().
  virtual SinkStatus add(const Alert& alert) = 0;
  // Delivers what it holds and reports each alert confirmed since the last flush to `receipts`.
  // `final` is set once, at the end of the run; sinks that gather alerts for the whole run
  // (Slack digests) send only then.
  virtual SinkStatus flush(bool final, Receipts& receipts) = 0;
  // The run is stopping (SIGTERM in a live run): deliver what waits quickly (Slack: the rest of
  // a round as one digest) rather than one by one. Sinks that write at once ignore it.
  virtual void hurry() {}
};

// Human-readable lines on `out`; ANSI colour when `color`. Confirms an alert once it is flushed
// to `out` without error when `confirms` (the driver sets it when no other sink delivers).
std::unique_ptr<Sink> make_text_sink(std::FILE* out, bool color, bool confirms = true);
// True when two alerts stand for the same record (several rules matched it): a sink that shows
// one message per event groups them. The alerts of one record arrive one after another.
inline bool same_record(const Alert& a, const Alert& b) {
  return a.event.origin.source == b.event.origin.source &&
         a.event.origin.record == b.event.origin.record && a.event.event_id == b.event.event_id;
}

// One JSON object per alert on `out` (keys documented in README "JSON Lines output"); with
// `include_record`, each object also holds the whole CloudTrail record.
std::unique_ptr<Sink> make_jsonl_sink(std::FILE* out, bool include_record = false,
                                      bool confirms = true);

} // namespace trailwatch
