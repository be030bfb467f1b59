// A double-ended queue in one ring buffer that doubles when full.
//
// A replica's waiting calls were a std::deque, whose blocks of 512 bytes hold
// two of them: nearly every call queued allocated a block and freed it when
// admitted. The ring keeps its storage for the run, so queueing a call
// allocates nothing once the replica's longest queue has been seen.
#pragma once

#include <cstddef>
#include <vector>

namespace fleetsim {

template <typename T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  T& front() { return buf_[head_]; }
  // The i-th from the front.
  T& operator[](std::size_t i) { return buf_[(head_ + i) & (buf_.size() - 1)]; }

  void push_back(const T& value) {
    if (size_ == buf_.size()) grow();
    buf_[(head_ + size_) & (buf_.size() - 1)] = value;
    ++size_;
  }
  void push_front(const T& value) {
    if (size_ == buf_.size()) grow();
    head_ = (head_ + buf_.size() - 1) & (buf_.size() - 1);
    buf_[head_] = value;
    ++size_;
  }
  void pop_front() {
    head_ = (head_ + 1) & (buf_.size() - 1);
    --size_;
  }
  void clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  void grow() {
    std::vector<T> bigger(buf_.empty() ? 4 : 2 * buf_.size());  // a power of two, for the masks
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = (*this)[i];
    buf_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> buf_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace fleetsim
