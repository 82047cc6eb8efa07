# fwlib firmware (firmware/lib) and what is built on it, each twice: for our
# STM32MP15 Cortex-M4 (boards/vstm32mp15-m4-tee.dts, lib/vstm32mp15-m4.ld) and
# for QEMU's mps2-an386 (-DFW_QEMU, lib/mps2-an386.ld, semihosting output).
# Included by firmware/CMakeLists.txt after the demo's rules (FW_OUT, FW_WERROR).
#
#   ${FW_OUT}/exctest.elf        exception-model test firmware, our core
#   ${FW_OUT}/exctest-qemu.elf   the same for qemu-system-arm -M mps2-an386
#   ${FW_OUT}/sched.elf          preemptive scheduler firmware, our core
#   ${FW_OUT}/sched-qemu.elf     the same for QEMU (stops itself after 1000 ticks)
set(FWLIB_DIR ${CMAKE_CURRENT_SOURCE_DIR}/lib)
set(FWLIB_SOURCES ${FWLIB_DIR}/startup.c ${FWLIB_DIR}/fault.c ${FWLIB_DIR}/semihost.c)
set(FWLIB_DEPENDS ${FWLIB_SOURCES} ${FWLIB_DIR}/fwlib.h ${FWLIB_DIR}/cm.h
	${FWLIB_DIR}/sections.ld.inc ${FWLIB_DIR}/vstm32mp15-m4.ld ${FWLIB_DIR}/mps2-an386.ld
	${CMAKE_SOURCE_DIR}/src/coproc/armv7m_regs.h)
set(FWLIB_CFLAGS -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -O2 -g -std=c11 -nostdlib
	-ffreestanding -fno-tree-loop-distribute-patterns -fno-unwind-tables
	-fno-asynchronous-unwind-tables -Wall -Wextra ${FW_WERROR}
	-ffunction-sections -fdata-sections -Wl,--gc-sections
	-I${CMAKE_SOURCE_DIR}/src -I${FWLIB_DIR} -L${FWLIB_DIR} -Wl,--build-id=none)

# rpt_fwlib_firmware(NAME LINKER_SCRIPT SOURCES... [DEFINES/FLAGS...]): ${FW_OUT}/NAME.elf
function(rpt_fwlib_firmware name ld)
	cmake_parse_arguments(F "" "" "SOURCES;HEADERS;FLAGS" ${ARGN})
	add_custom_command(
		OUTPUT ${FW_OUT}/${name}.elf
		COMMAND ${CMAKE_COMMAND} -E make_directory ${FW_OUT}
		COMMAND ${RPT_ARM_CC} ${FWLIB_CFLAGS} ${F_FLAGS} -T ${FWLIB_DIR}/${ld}
			${FWLIB_SOURCES} ${F_SOURCES} -lgcc -o ${FW_OUT}/${name}.elf
		DEPENDS ${FWLIB_DEPENDS} ${F_SOURCES} ${F_HEADERS}
		COMMENT "Cross-compiling fwlib firmware ${name}.elf"
		VERBATIM)
endfunction()

# The exception-model test: no FP in compiled code (softfp), so only its own
# asm sets CONTROL.FPCA and the EXC_RETURN values it logs are the code's.
set(EXCT_SRC ${CMAKE_CURRENT_SOURCE_DIR}/exctest/exctest.c)
set(EXCT_H ${CMAKE_CURRENT_SOURCE_DIR}/exctest/exct_results.h)
rpt_fwlib_firmware(exctest vstm32mp15-m4.ld SOURCES ${EXCT_SRC} HEADERS ${EXCT_H}
	FLAGS -mfloat-abi=softfp)
rpt_fwlib_firmware(exctest-qemu mps2-an386.ld SOURCES ${EXCT_SRC} HEADERS ${EXCT_H}
	FLAGS -mfloat-abi=softfp -DFW_QEMU)

# The scheduler: hard-float, the threads' compiled code uses the FPU freely.
set(SCHED_SRC ${CMAKE_CURRENT_SOURCE_DIR}/sched/sched.c)
set(SCHED_H ${CMAKE_CURRENT_SOURCE_DIR}/sched/sched_results.h)
rpt_fwlib_firmware(sched vstm32mp15-m4.ld SOURCES ${SCHED_SRC} HEADERS ${SCHED_H}
	FLAGS -mfloat-abi=hard -DFW_CLOCK_HZ=209000000)
rpt_fwlib_firmware(sched-qemu mps2-an386.ld SOURCES ${SCHED_SRC} HEADERS ${SCHED_H}
	FLAGS -mfloat-abi=hard -DFW_QEMU -DFW_CLOCK_HZ=25000000)

add_custom_target(fwlib-firmware ALL DEPENDS
	${FW_OUT}/exctest.elf ${FW_OUT}/exctest-qemu.elf ${FW_OUT}/sched.elf
	${FW_OUT}/sched-qemu.elf)
