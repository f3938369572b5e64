// SPDX-License-Identifier: MIT
// JSON Lines sink: one object per alert with stable keys (README "JSON Lines output").
// Absent values are null, lists are arrays (possibly empty), counts are numbers.
#include "record/alert_json.hpp"
#include "sinks/sink.hpp"

namespace trailwatch {
namespace {

class JsonlSink final : public Sink {
public:
  explicit JsonlSink(std::FILE* out) : m_out(out) {}

  void add(const Alert& alert) override {
    std::string line = alert_to_json(alert);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), m_out);
    if (on_delivered) {
      on_delivered(alert);
    }
  }

  bool finish() override {
    std::fflush(m_out);
    return true;
  }

private:
  std::FILE* m_out;
};

} // namespace

std::unique_ptr<Sink> make_jsonl_sink(std::FILE* out) {
  return std::make_unique<JsonlSink>(out);
}

} // namespace trailwatch
