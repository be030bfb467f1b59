// KV policies: what a replica keeps of a session's KV cache when its call ends
// (retention), and how much KV memory a waiting call must get before it joins
// the batch (admission); and the registries that name them for scenarios.
//
// To add a policy: a file in src/core/kv_retention/ (or kv_admission/) with
// its factory, the factory's declaration and one entry in that folder's
// registry.cpp, and its `- NAME:` line in docs/scenario-format.md. The
// scenario reader takes the keywords and its did-you-mean list from the
// registry.
//
// Both decide on the engine's hot path. A replica resolves its policies once,
// when it is built, into the small values below: plain data and at most one
// function pointer, so a decision costs at most one indirect call per call,
// with no virtual call per token and no allocation.
#pragma once

#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

struct CallRequest;
struct EngineSettings;

// A retention policy as one replica applies it.
struct KvRetentionPolicy {
  // Whether the replica keeps anything of a call once it ends: its session's
  // cache and its hashed prompt chunks. Without, every call prefills its
  // whole prompt, and tiers below device memory have nothing to hold.
  bool keeps = true;
  // Whether the replica frees a session's cache, wherever it is (device
  // memory, its tiers, the remote store), once the session can no longer
  // send it a call: the session ended, or its next call went to another
  // replica. The fleet model tells it (ContinuousBatcher::forget_session);
  // the replica cannot know. Memory then holds only the caches of sessions
  // still under way, through their tool calls.
  bool frees_when_session_leaves = false;
  // Whether memory pressure evicts the idlest session's cache first
  // (IdlenessRank) rather than the least recently retained; the fleet model
  // then gives each call its session's idle fraction (CallRequest::idleness).
  bool ranks_by_idleness = false;
  // When the cache of a session whose call ended at `now` expires; nullptr
  // when caches never expire (they leave only to make room). It must not
  // decrease from one call to the next: the replica keeps its caches in the
  // order they were retained and expires them from the oldest.
  double (*expiry)(const KvRetentionPolicy& self, double now) = nullptr;
  double ttl_s = 0.0;  // the engine's kv_ttl, for a policy that reads it

  bool expires() const { return expiry != nullptr; }
  double expiry_s(double now) const {
    return expiry ? expiry(*this, now) : std::numeric_limits<double>::infinity();
  }
};

// An admission policy as one replica applies it.
struct KvAdmissionPolicy {
  // Tokens whose KV blocks the call must get to join the batch, given
  // `target`, the tokens whose KV it must hold before it decodes (its prompt,
  // plus what it generated before a preemption). At least target + 1: room
  // for the first token.
  long (*tokens)(const CallRequest& call, long target) = nullptr;

  long tokens_to_admit(const CallRequest& call, long target) const { return tokens(call, target); }
};

// A registered policy: its scenario keyword, one line on what it does, and how
// to resolve it for an engine (which carries the policy's parameters).
struct KvRetentionInfo {
  std::string_view name;
  std::string_view doc;
  bool reads_ttl;  // it needs kv_ttl; without it kv_ttl is an error
  KvRetentionPolicy (*make)(const EngineSettings& engine);
};

struct KvAdmissionInfo {
  std::string_view name;
  std::string_view doc;
  KvAdmissionPolicy (*make)(const EngineSettings& engine);
};

// Every registered policy, in the order messages, docs and the JSON Schema
// list them.
std::span<const KvRetentionInfo> kv_retention_policies();
std::vector<std::string> kv_retention_policy_names();
// nullptr when no policy has that name.
const KvRetentionInfo* find_kv_retention_policy(std::string_view name);
// The engine's kv_retention resolved; std::invalid_argument naming the
// registered policies when it is none of them (the scenario reader refuses
// such scenarios first).
KvRetentionPolicy make_kv_retention_policy(const EngineSettings& engine);

std::span<const KvAdmissionInfo> kv_admission_policies();
std::vector<std::string> kv_admission_policy_names();
const KvAdmissionInfo* find_kv_admission_policy(std::string_view name);
KvAdmissionPolicy make_kv_admission_policy(const EngineSettings& engine);

}  // namespace fleetsim
