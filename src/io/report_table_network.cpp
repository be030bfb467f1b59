// The terminal report's network section: the KV network's NICs by pool and
// store, and its racks' uplinks, with the bytes they carried and their mean
// utilization each way over the window.
#include <fmt/format.h>

#include <string>

#include "fleetsim/io/report_text.hpp"
#include "report_table_parts.hpp"

namespace fleetsim::report_table {

namespace text = report_text;
using Align = text::TextTable::Align;

void network_section(std::string& out, const Report& r) {
  if (!r.network) return;
  const NetworkReport& n = *r.network;
  out += n.topology == "two_level"
             ? fmt::format("\nNetwork (two-level: {} nodes per rack, uplinks oversubscribed {:g}:1)\n",
                           n.nodes_per_rack, n.oversubscription)
             : std::string("\nNetwork (star: every NIC to one switch)\n");
  text::TextTable nics({{"NICs of", Align::left}, {"kind", Align::left}, {"NICs"}, {"GB/s each way"},
                        {"GB sent"}, {"GB received"}, {"sent util"}, {"received util"}});
  for (const NicGroupReport& g : n.nics)
    nics.add_row({g.name, g.kind, std::to_string(g.nics), text::grouped(g.bandwidth_bytes_per_s / 1e9, 2),
                  text::grouped(g.bytes_sent / 1e9, 2), text::grouped(g.bytes_received / 1e9, 2),
                  text::percent(g.utilization_sent, 2), text::percent(g.utilization_received, 2)});
  out += nics.render("  ");
  if (n.uplinks.empty()) return;
  text::TextTable uplinks({{"rack uplink"}, {"nodes"}, {"GB/s each way"}, {"GB up"}, {"GB down"}, {"up util"},
                           {"down util"}});
  for (const UplinkReport& u : n.uplinks)
    uplinks.add_row({std::to_string(u.rack), std::to_string(u.nodes), text::grouped(u.bandwidth_bytes_per_s / 1e9, 2),
                     text::grouped(u.bytes_up / 1e9, 2), text::grouped(u.bytes_down / 1e9, 2),
                     text::percent(u.utilization_up, 2), text::percent(u.utilization_down, 2)});
  out += uplinks.render("  ");
}

}  // namespace fleetsim::report_table
