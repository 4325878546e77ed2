package main

// cksum returns what POSIX cksum prints first for data: a CRC-32 (polynomial 0x04C11DB7, most
// significant bit first) over the bytes and then over their length, complemented. The shell
// launcher names its class-data archives with it, so both launchers find the same archive.
func cksum(data []byte) uint32 {
	var crc uint32
	update := func(b byte) {
		crc ^= uint32(b) << 24
		for i := 0; i < 8; i++ {
			if crc&0x80000000 != 0 {
				crc = crc<<1 ^ 0x04C11DB7
			} else {
				crc <<= 1
			}
		}
	}
	for _, b := range data {
		update(b)
	}
	for n := uint64(len(data)); n != 0; n >>= 8 {
		update(byte(n))
	}
	return ^crc
}
