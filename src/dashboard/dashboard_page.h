// The dashboard's one page: HTML, style and script in one string, nothing
// from the network (it works offline). Its charts are the report's, drawn
// by the server (report/html_report.h), as is each page of the trials table
// (GET /api/trials); the script keeps the counters, rung ladder and events
// current from the event stream, and fetches the charts and the table again
// as results arrive.
#pragma once

#include <string_view>

namespace rungs::dashboard {

std::string_view Page();

}  // namespace rungs::dashboard
