import Foundation

/// Handing pages of a mapping back to the kernel (`MADV_DONTNEED`) once they have been written or
/// read, so long runs and big files do not stay in the resident set. Only the whole pages inside
/// the range are released.
package enum ResidentPages {
    package static func release(_ start: UnsafeRawPointer, byteCount: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let last = (Int(bitPattern: start) + byteCount) / page * page
        guard last > first, let p = UnsafeMutableRawPointer(bitPattern: first) else { return }
        madvise(p, last - first, MADV_DONTNEED)
    }
}
