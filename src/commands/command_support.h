// Small pieces the commands share: the plan parameters from options and mapping, the
// layout from --layout, and the operator's name.
#pragma once

#include <string>

#include "layout.h"
#include "mapping.h"
#include "options.h"
#include "planner.h"

namespace scope_migrate {

PlanParams MakePlanParams(const Options& options, const Mapping& mapping);
Layout LoadLayout(const Options& options);
std::string OperatorName(const Options& options);

}  // namespace scope_migrate
