// SPDX-License-Identifier: MIT
// Delivery: the "reduce" half of a scan — where the alerts of each input go, in input order.
//
// Without --state: straight to the sinks; stdout sinks are flushed after each input, so a
// write error or a closed pipe is seen at once. With --state: into the state, in the same
// transaction that marks the input read (repeated eventIDs dropped, repeats of rule + actor +
// account within the window merged into one alert with a count); at the end every undelivered
// alert (this run's and earlier runs') goes to the sinks, and an alert is marked delivered only
// when every sink that confirms delivery has confirmed it. With no confirming sink (-q and no
// Slack) nothing is marked: the alerts stay pending for a later run. A live input (a stream on
// stdin, --follow) does not wait for the end: after each commit, deliver_committed() hands the
// new outbox alerts to the sinks at once.
#pragma once

#include "sinks/sink.hpp"
#include "state/state.hpp"
#include "trailwatch/options.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace trailwatch {

class Delivery {
public:
  Delivery(std::vector<std::unique_ptr<Sink>>& sinks, State* state, const Options& options);

  // Takes the alerts of the current input (with a state, an input transaction must be open).
  // Returns false once the output's reader went away: the run should stop reading.
  bool route(std::vector<Alert>& alerts);

  // With a state: hands the committed outbox alerts no sink has seen yet to the sinks (Slack
  // posts them from its own thread). With or without one: collects the confirmations that
  // came in and marks those alerts delivered. Call it after a commit and from time to time.
  void deliver_committed();

  // The run is stopping: asks the sinks to deliver what waits quickly (see Sink::hurry).
  void hurry();

  // Ends the run: with a state, hands every undelivered alert to the sinks and marks the
  // confirmed ones; flushes every sink. False when an alert could not be delivered.
  bool finish();

  // True once a sink saw its reader go away (EPIPE).
  bool closed() const { return m_status == SinkStatus::closed; }

  std::uint64_t handed_out() const { return m_handed_out; }
  std::uint64_t new_alerts() const { return m_new_alerts; }
  std::uint64_t merged_alerts() const { return m_recorded_alerts - m_new_alerts; }
  std::uint64_t repeated_events() const { return m_repeated_events; }
  std::uint64_t pending() const { return m_pending; }

private:
  // Gives `alert` to every sink.
  void hand_out(const Alert& alert);
  // Hands every outbox alert after m_last_handed to the sinks (numbered in m_outbox_ids).
  void hand_out_pending();
  // Flushes every sink; with a state, marks confirmed alerts delivered.
  void flush(bool final);

  std::vector<std::unique_ptr<Sink>>& m_sinks;
  State* m_state;
  std::chrono::minutes m_window;
  SinkStatus m_status = SinkStatus::ok;
  std::uint64_t m_handed_out = 0;
  std::uint64_t m_new_alerts = 0;      // outbox rows made
  std::uint64_t m_recorded_alerts = 0; // alerts of first-seen events given to the state
  std::uint64_t m_repeated_events = 0;
  std::uint64_t m_pending = 0; // outbox alerts left undelivered at the end
  // With a state: the outbox id of each alert handed out (index = the sinks' alert number),
  // the newest id handed out, confirmations so far per number, and alerts marked delivered.
  std::vector<std::int64_t> m_outbox_ids;
  std::int64_t m_last_handed = 0;
  std::uint64_t m_new_when_handed = ~std::uint64_t{0}; // m_new_alerts at the last hand-out
  std::map<std::uint64_t, std::size_t> m_confirmations;
  std::uint64_t m_marked = 0;
  std::uint64_t m_unhanded = 0; // pending alerts not handed out (the reader went away)
};

} // namespace trailwatch
