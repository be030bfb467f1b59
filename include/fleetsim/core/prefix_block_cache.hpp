// A replica's cache of prompt chunks named by hash, shared by every call that
// sends the same chunks: automatic prefix caching as vLLM and SGLang do it,
// driven by a trace's prefix block hashes (Mooncake's `hash_ids`).
//
// A trace gives each call the hashes of its prompt's consecutive chunks of
// `block_tokens` tokens; a hash names the chunk and everything before it, so
// a call can reuse a run of chunks only from the start of its prompt. The
// cache holds chunks (their KV blocks) after a call has computed them; a call
// that begins with cached chunks pins them while it runs, so that they cannot
// be evicted under it. Unpinned chunks are evicted least recently used first
// when the replica needs their blocks. docs/performance-model.md, "Prefix
// block hashes", derives the rules; tests/test_prefix_block_cache.cpp checks
// them by hand.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace fleetsim {

// The hashes of one call's prompt chunks: hashes[0, count), each covering
// `block_tokens` tokens of the prompt (the last one what is left). The
// storage is the trace's, which outlives the run.
struct PrefixHashes {
  const std::uint64_t* hashes = nullptr;
  std::uint32_t count = 0;
  std::uint32_t block_tokens = 0;
  // A session replayed again (a loop's later round, an empirical agent's
  // template) sends new text where the recording was one session's own:
  // with a salt, a hash not marked in `shared` (sent by more than one
  // recorded session) is replaced by one of its own, so that it finds only
  // what this replay computed.
  std::uint64_t salt = 0;
  const std::uint8_t* shared = nullptr;

  bool empty() const { return count == 0; }
  // The name of chunk i, as the cache keys it.
  std::uint64_t at(std::uint32_t i) const {
    if (salt == 0 || shared[i] != 0) return hashes[i];
    return salted(hashes[i], salt);
  }
  static std::uint64_t salted(std::uint64_t hash, std::uint64_t salt);
  // Tokens of chunk i of a prompt of `prompt_tokens`.
  long chunk_tokens(std::uint32_t i, long prompt_tokens) const;
};

class PrefixBlockCache {
 public:
  explicit PrefixBlockCache(long kv_block_tokens) : kv_block_tokens_(kv_block_tokens) {}

  // What a run of leading chunks holds.
  struct Run {
    std::uint32_t chunks = 0;
    long blocks = 0;
    long tokens = 0;
    long other_session_tokens = 0;  // of which computed by another session
  };

  // Tokens of the longest run of the prompt's leading chunks held here (a
  // router's look, which pins nothing).
  long leading_tokens(const PrefixHashes& h, long prompt_tokens) const;
  // Pins the longest run of the prompt's leading chunks that the cache holds
  // and says what it holds; nothing is pinned when the first chunk is missing.
  Run pin_leading(const PrefixHashes& h, long prompt_tokens, std::uint64_t session);
  // Undoes pin_leading (or add_computed) for chunks [0, chunks).
  void unpin_leading(const PrefixHashes& h, std::uint32_t chunks);
  // A call that pins chunks [0, from) has computed the rest of its prompt:
  // its chunks from `from` on enter the cache, pinned by it, until one that
  // is already there (another call computed it meanwhile) or until their
  // blocks would exceed `max_blocks`. Returns the chunks added and their
  // blocks, which the call hands over to the cache.
  Run add_computed(const PrefixHashes& h, std::uint32_t from, long prompt_tokens, std::uint64_t session,
                   long max_blocks);

  // Evicts unpinned chunks, least recently used first, until `blocks` are
  // freed or none is left; returns the blocks freed.
  long evict(long blocks);
  // Drops every chunk (the node failed or went off), pinned ones too (their
  // calls are aborted with the node); returns the blocks of all of them.
  long clear();

  long blocks() const { return blocks_; }                      // of every chunk held
  long evictable_blocks() const { return evictable_blocks_; }  // of the unpinned ones
  std::size_t chunks() const { return index_.size(); }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  struct Chunk {
    std::uint64_t hash = 0;
    std::uint64_t session = 0;  // the session that computed it
    long blocks = 0;
    long tokens = 0;
    int pins = 0;
    std::uint32_t prev = kNone;  // the unpinned chunks' LRU list
    std::uint32_t next = kNone;
  };

  std::uint32_t find(std::uint64_t hash) const;
  void link_newest(std::uint32_t node);
  void unlink(std::uint32_t node);
  void erase(std::uint32_t node);

  long kv_block_tokens_;
  std::vector<Chunk> slab_;
  std::vector<std::uint32_t> free_nodes_;
  std::unordered_map<std::uint64_t, std::uint32_t> index_;
  std::uint32_t oldest_ = kNone;
  std::uint32_t newest_ = kNone;
  long blocks_ = 0;
  long evictable_blocks_ = 0;
};

}  // namespace fleetsim
