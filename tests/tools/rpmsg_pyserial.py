#!/usr/bin/env python3
"""Python's serial module on rprocd's ttyRPMSG link: write a line, print its echo.

usage: rpmsg_pyserial.py TTY
"""
import sys

import serial

port = serial.Serial(sys.argv[1], 115200, timeout=20)
port.write(b"pyserial\n")
sys.stdout.write(port.read(9).decode())
port.close()
