// Opening an input file only when it is a regular file. A FIFO, a character device or a
// directory given where a plan, mapping, catalog, layout, fixture, targets or index file is
// expected would block the open or the first read for ever, or never end: it is refused at
// once. The file is opened with O_NONBLOCK (so opening a FIFO with no writer returns at
// once) and the check is made on the open descriptor (fstat), so what was checked is what
// is read, however the path is swapped meanwhile; the descriptor is then made blocking
// again for plain reads. Failures throw ToolError(65) naming the path.
#pragma once

#include <cstdio>
#include <string>

namespace scope_migrate {

// The message of a path that is not a regular file (also what ReadInputFile says).
inline constexpr char kNotRegularFile[] =
    "is not a regular file (a directory, device or FIFO is not read as input)";

// Opens `path` for reading ("rb"); throws InputError(path) `cannot_read` when it cannot be
// opened and kNotRegularFile when it is not a regular file. The caller owns the FILE.
std::FILE* OpenRegularFile(const std::string& path, const char* cannot_read = "cannot read file");

// Whether `path` names something that exists (of any type), without opening it: for the
// callers that choose between reading a path and taking the text as something else.
bool PathExists(const std::string& path);

}  // namespace scope_migrate
