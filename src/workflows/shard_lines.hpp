// What the shard files of a sweep and of a run split into cells share: JSON
// lines read one by one with their place ("FILE:LINE"), and the message
// naming the items no shard gave. Private to src/workflows.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace fleetsim {

// Calls `read(where, line)` for each line of `text` that is not blank,
// `where` being "NAME:LINE". False when there was none.
bool for_each_shard_line(const std::string& name, const std::string& text,
                         const std::function<void(const std::string& where, const std::string& line)>& read);

// "2 of 100 points are missing: 41, 97; is a shard missing or unfinished?"
// (at most 20 listed) for the indices below `count` that `present` denies;
// empty when none is missing.
std::string missing_from_shards(std::size_t count, const std::function<bool(std::size_t)>& present,
                                const std::string& nouns);

}  // namespace fleetsim
