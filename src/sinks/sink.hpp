// SPDX-License-Identifier: MIT
// Sink: where alerts go (terminal text, JSON Lines, Slack). Alerts arrive in input order.
#pragma once

#include "trailwatch/alert.hpp"

#include <cstdio>
#include <functional>
#include <memory>

namespace trailwatch {

class Sink {
public:
  virtual ~Sink() = default;
  // Takes one alert. A sink may deliver at once or buffer until finish().
  virtual void add(const Alert& alert) = 0;
  // Delivers whatever is buffered. Returns false when some alert could not be delivered; the
  // sink has then already said why on stderr.
  virtual bool finish() = 0;
  // Called once per alert the sink has confirmed as delivered (the state's outbox uses it).
  std::function<void(const Alert&)> on_delivered;
};

// Human-readable lines on `out`; ANSI colour when `color`.
std::unique_ptr<Sink> make_text_sink(std::FILE* out, bool color);
// One JSON object per alert on `out` (keys documented in README "JSON Lines output").
// With `include_record`, each object also holds the whole CloudTrail record.
std::unique_ptr<Sink> make_jsonl_sink(std::FILE* out, bool include_record = false);

} // namespace trailwatch
