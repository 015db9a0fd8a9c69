package vector

import "errors"

// ErrCorrupt reports index data that cannot be decoded: a bad magic number,
// an unknown version, a failed checksum or a truncated file.
var ErrCorrupt = errors.New("corrupt vector index")
