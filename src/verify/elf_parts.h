// SPDX-License-Identifier: Apache-2.0
//
// The parts of a dynamically linked ELF image that its verdict reads: its headers, its
// loader's path, its dynamic section and strings, its dynamic symbols and their versions,
// its notes and its section names. A few kilobytes of a program of megabytes, read with a
// few pread(2)s instead of a mapping of the whole file.
#pragma once

#include <memory>
#include <string>

#include "support/buffer_pool.h"
#include "support/regular_file.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

namespace portable_ld {

// The file's bytes at their offsets in a buffer of the file's size, the parts above read
// and the rest not (it may hold another file's bytes). Null when the file is not such an
// image (static, a Go program, an object, not ELF), when a part lies outside the file or
// a header is unusual: then the whole file must be read, and its reader says what is wrong.
// A verdict from these parts holds only when it is of a dynamically linked image and not a
// Go program: inspect_file() reads the whole file for the others.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
read_dynamic_elf_parts(const RegularFile &file, const std::string &path, BufferPool &pool);

} // namespace portable_ld
