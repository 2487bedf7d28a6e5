import Foundation
import CZlib

/// Decodes enough of a PNG to prove it is one: signature, chunk CRCs, IHDR,
/// and IDAT data that inflates to exactly the pixel rows the header promises.
/// Returns (width, height) or nil.
func decodePNG(_ data: Data) -> (width: Int, height: Int)? {
    let b = [UInt8](data)
    guard b.count > 8, Array(b[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
    func be32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
    var i = 8, width = 0, height = 0, bytesPerPixel = 0
    var idat: [UInt8] = []
    while i + 12 <= b.count {
        let len = be32(i)
        guard i + 12 + len <= b.count else { return nil }
        let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
        let typed = Array(b[(i + 4)..<(i + 8 + len)])
        guard UInt32(crc32(0, typed, uInt(typed.count))) == UInt32(be32(i + 8 + len)) else { return nil }
        let body = Array(b[(i + 8)..<(i + 8 + len)])
        switch type {
        case "IHDR":
            width = Int(body[0]) << 24 | Int(body[1]) << 16 | Int(body[2]) << 8 | Int(body[3])
            height = Int(body[4]) << 24 | Int(body[5]) << 16 | Int(body[6]) << 8 | Int(body[7])
            guard body[8] == 8 else { return nil }
            bytesPerPixel = body[9] == 2 ? 3 : (body[9] == 6 ? 4 : 0)
        case "IDAT": idat += body
        case "IEND":
            let expected = (width * bytesPerPixel + 1) * height
            var out = [UInt8](repeating: 0, count: expected + 1)
            var outLen = uLong(out.count)
            guard uncompress(&out, &outLen, idat, uLong(idat.count)) == Z_OK, Int(outLen) == expected else { return nil }
            return (width, height)
        default: break
        }
        i += 12 + len
    }
    return nil
}
