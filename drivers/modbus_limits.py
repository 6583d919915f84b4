"""What the Modbus application protocol allows one read: register tables, function codes, counts, addresses.

One home for the protocol's numbers (Modbus Application Protocol V1.1b3,
sections 6.1-6.4): the link builds its requests from them, profiles plan their
block reads within them, the register inspector checks a request against them
and the simulator's server answers by them. Pure data, no transport.
"""

from __future__ import annotations

# Register table name -> Modbus read function code. Only read functions exist here.
READ_FUNCTION_CODES: dict[str, int] = {"coils": 1, "discrete": 2, "holding": 3, "input": 4}
TABLE_BY_FUNCTION_CODE: dict[int, str] = {code: table for table, code in READ_FUNCTION_CODES.items()}

REGISTER_TABLES = ("holding", "input")  # 16-bit words (FC 3, 4); the tables a profile maps
BIT_TABLES = ("coils", "discrete")  # single bits (FC 1, 2)

MAX_REGISTERS = 125  # registers in one read of FC 3/4 (6.3, 6.4)
MAX_BITS = 2000  # bits in one read of FC 1/2 (6.1, 6.2)
MAX_ADDRESS = 0xFFFF  # highest zero-based address on the wire
