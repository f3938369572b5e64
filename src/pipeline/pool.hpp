// SPDX-License-Identifier: MIT
// OrderedPool: file inputs read on several workers, results handed back strictly in input
// order, so alerts and diagnostics come out the same for any -j.
#pragma once

#include "pipeline/worker.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace trailwatch {

// Reads file inputs on `jobs` threads and hands results back in input order. At most
// 8 × jobs (at least 16) results wait for their turn: a result holds only alerts, so memory
// stays bounded whatever the input count, and one large file does not idle the other workers.
class OrderedPool {
public:
  OrderedPool(const Pipeline& pipeline, const std::vector<Input>& inputs, unsigned jobs)
      : m_pipeline(pipeline), m_inputs(inputs), m_slots(inputs.size()), m_window(window_for(jobs)) {
    for (unsigned i = 0; i < jobs; ++i) {
      m_threads.emplace_back([this] { work(); });
    }
  }

  ~OrderedPool() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_cv.notify_all();
    for (auto& t : m_threads) {
      t.join();
    }
  }

  // How far past the last taken input workers may read (input `taken + window - 1` at most)
  // for a pool of `jobs` workers.
  static std::size_t window_for(unsigned jobs) { return std::max(16u, jobs * 8); }

  // Waits for input `index` (a file input) and returns its result.
  InputResult take(std::size_t index) {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_slots[index].has_value(); });
    InputResult result = std::move(*m_slots[index]);
    m_slots[index].reset();
    m_taken = index + 1;
    m_cv.notify_all();
    return result;
  }

private:
  void work() {
    Worker worker(m_pipeline);
    for (;;) {
      std::size_t index;
      {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] {
          return m_stop || m_next >= m_inputs.size() || m_next < m_taken + m_window;
        });
        if (m_stop || m_next >= m_inputs.size()) {
          return;
        }
        index = m_next++;
      }
      InputResult result;
      if (!m_inputs[index].is_stdin) {
        result = worker.read_input(m_inputs[index]);
      }
      {
        std::lock_guard lock(m_mutex);
        m_slots[index] = std::move(result);
      }
      m_cv.notify_all();
    }
  }

  const Pipeline& m_pipeline;
  const std::vector<Input>& m_inputs;
  std::vector<std::optional<InputResult>> m_slots;
  std::size_t m_window;
  std::size_t m_next = 0;
  std::size_t m_taken = 0;
  bool m_stop = false;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<std::thread> m_threads;
};
} // namespace trailwatch
