// The dashboard's one page: HTML, style and script in one string, nothing
// from the network (it works offline). Its charts are the report's, drawn
// by the server (report/html_report.h); the script keeps the trials table,
// the counters and the steering buttons current from the event stream.
#pragma once

#include <string_view>

namespace rungs::dashboard {

std::string_view Page();

}  // namespace rungs::dashboard
